<?php
// Send files as one fax with PHP's SoapClient (php-soap), wait until it is final, save the image.
//
//   php send_fax.php ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
//   php send_fax.php http://127.0.0.1:8080/dfs.asmx alice secret "+1 212 555 0100" letter.pdf
//
// Exit code 0 when every fax was sent.

if ($argc < 6) {
    fwrite(STDERR, "usage: php send_fax.php ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]\n");
    exit(2);
}
list(, $endpoint, $user, $password, $numbers) = $argv;
$files = array_slice($argv, 5);

$client = new SoapClient($endpoint . '?WSDL', array(
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,  // FaxItemEx is always an array
    'cache_wsdl' => WSDL_CACHE_NONE,
));

$data = '';
$types = array();
$sizes = array();
foreach ($files as $file) {
    $content = file_get_contents($file);
    $data .= $content;
    $types[] = strtoupper(pathinfo($file, PATHINFO_EXTENSION));
    $sizes[] = strlen($content);
}

// SoapClient base64-encodes base64Binary parameters itself: pass the raw bytes.
$parent = $client->SendfaxEx_2(array(
    'Username' => $user, 'Password' => $password, 'FaxNumbers' => $numbers, 'Contacts' => '',
    'FilesData' => $data, 'FileTypes' => implode(';', $types), 'FileSizes' => implode(';', $sizes),
    'Postpone' => '2000-01-01T00:00:00', 'RetriesToPerform' => 3, 'CSID' => '',
    'PageHeader' => '', 'JobID' => '', 'Subject' => basename($files[0]), 'ReplyAddress' => '',
    'PageSize' => 'A4', 'PageOrientation' => 'Portrait', 'IsHighResolution' => false,
    'IsFineRendering' => false,
))->SendfaxEx_2Result;
if ($parent < 0) {
    $reason = $client->GetErrorDescription(array('ErrorCode' => $parent))->GetErrorDescriptionResult;
    fwrite(STDERR, "SendfaxEx_2 failed: $parent ($reason)\n");
    exit(1);
}
echo "transaction $parent\n";

do {
    $answer = $client->FaxQuery(array(
        'Username' => $user, 'Password' => $password, 'Verb' => 'PARENT',
        'VerbData' => (string) $parent, 'MaxItems' => -1, 'ResultCode' => 0,
    ));
    $items = isset($answer->FaxQueryResult->FaxItemEx) ? $answer->FaxQueryResult->FaxItemEx : array();
    $final = count($items) > 0;
    foreach ($items as $item) {
        $final = $final && $item->Status >= 0;
    }
    if (!$final) {
        sleep(1);
    }
} while (!$final);

$failed = 0;
foreach ($items as $item) {
    echo "{$item->TransactionID} to {$item->DestinationFax}: status {$item->Status}, "
        . "{$item->PagesSent}/{$item->PagesSubmitted} pages, {$item->Duration} s\n";
    if ($item->Status != 0) {
        $failed++;
    }
    $image = $client->GetFaxImage(array(
        'Username' => $user, 'Password' => $password, 'TransactionID' => $item->TransactionID,
        'Image' => '',
    ));
    if ($image->GetFaxImageResult == 0) {
        $name = "fax-{$item->TransactionID}.tif";
        file_put_contents($name, $image->Image);
        echo "saved $name\n";
    }
}
exit($failed ? 1 : 0);
