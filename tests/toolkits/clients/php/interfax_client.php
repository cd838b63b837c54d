<?php
// The toolkit scenario (tests/toolkits/README.md) through PHP's SoapClient (ext/soap) in WSDL
// mode, reading the served WSDL as InterFAX's PHP samples did:
// new SoapClient("https://ws.interfax.net/dfs.asmx?WSDL") and $client->Op(array(...)).
//
// usage: php interfax_client.php ENDPOINT USERNAME PASSWORD PNG_FILE LABEL [soap12]
// Prints the scenario's lines on stdout; any failed check ends it with exit code 1.

function check($condition, $what)
{
    if (!$condition) {
        throw new RuntimeException($what);
    }
}

// Polls FaxQuery PARENT until every member is final (Status >= 0).
function wait_final($client, $user, $password, $parent, $count)
{
    $deadline = microtime(true) + 120;
    while (microtime(true) < $deadline) {
        $answer = $client->FaxQuery(array(
            'Username' => $user, 'Password' => $password, 'Verb' => 'PARENT',
            'VerbData' => (string) $parent, 'MaxItems' => -1, 'ResultCode' => 0,
        ));
        check($answer->ResultCode == 0, "FaxQuery ResultCode {$answer->ResultCode}");
        $items = isset($answer->FaxQueryResult->FaxItemEx) ? $answer->FaxQueryResult->FaxItemEx : array();
        $final = count($items) == $count;
        foreach ($items as $item) {
            $final = $final && $item->Status >= 0;
        }
        if ($final) {
            foreach ($items as $item) {
                echo "FINAL {$item->TransactionID} {$item->Status} {$item->PagesSent}/{$item->PagesSubmitted} {$item->DestinationFax}\n";
            }
            return $items;
        }
        usleep(250000);
    }
    throw new RuntimeException("transaction $parent did not finish");
}

function download($client, $user, $password, $transactionId)
{
    $answer = $client->GetFaxImage(array(
        'Username' => $user, 'Password' => $password, 'TransactionID' => $transactionId,
        'Image' => '',
    ));
    check($answer->GetFaxImageResult == 0, "GetFaxImage answered {$answer->GetFaxImageResult}");
    $image = $answer->Image;
    check(strlen($image) > 100 && substr($image, 0, 3) === "II*", 'not a TIFF');
    echo "IMAGE $transactionId " . strlen($image) . ' ' . hash('sha256', $image) . "\n";
}

function run($argv)
{
    check(count($argv) == 6 || count($argv) == 7,
        'usage: interfax_client.php ENDPOINT USERNAME PASSWORD PNG_FILE LABEL [soap12]');
    list(, $endpoint, $user, $password, $pngFile, $label) = $argv;
    $soap12 = count($argv) == 7 && $argv[6] === 'soap12';
    $png = file_get_contents($pngFile);
    $client = new SoapClient($endpoint . '?WSDL', array(
        'location' => $endpoint,
        'soap_version' => $soap12 ? SOAP_1_2 : SOAP_1_1,
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'exceptions' => true,
        'trace' => true,
    ));
    echo "TOOLKIT $label " . ($soap12 ? 'SOAP_1_2' : 'SOAP_1_1') . "\n";

    $types = $client->GetSupportedFileTypes()->GetSupportedFileTypesResult;
    check(strpos($types, 'TXT') !== false && strpos($types, 'PNG') !== false, "supported types $types");
    echo "SUPPORTED $types\n";

    // Two documents (a two-page text and a PNG) to two numbers: one batch.
    $text = "Sent by $label\fSecond page";
    $parent = $client->SendfaxEx_2(array(
        'Username' => $user, 'Password' => $password,
        'FaxNumbers' => '+1 212 555 0100;+44 20 5550 0100', 'Contacts' => 'New York;London',
        'FilesData' => $text . $png, 'FileTypes' => 'TXT;PNG',
        'FileSizes' => strlen($text) . ';' . strlen($png), 'Postpone' => '2000-01-01T00:00:00',
        'RetriesToPerform' => 2, 'CSID' => 'TOOLKIT', 'PageHeader' => 'N', 'JobID' => "job-$label",
        'Subject' => "$label batch", 'ReplyAddress' => '', 'PageSize' => 'A4',
        'PageOrientation' => 'Portrait', 'IsHighResolution' => false, 'IsFineRendering' => false,
    ))->SendfaxEx_2Result;
    check($parent > 0, "SendfaxEx_2 answered $parent");
    echo "SENT $parent\n";
    foreach (wait_final($client, $user, $password, $parent, 2) as $item) {
        check($item->Status == 0, "status {$item->Status}");
        check($item->ParentTransactionID == $parent, "parent {$item->ParentTransactionID}");
        check($item->PagesSent == 3 && $item->PagesSubmitted == 3, "pages {$item->PagesSent}");
        check($item->Subject === "$label batch", "subject {$item->Subject}");
        download($client, $user, $password, $item->TransactionID);
    }

    // Chunk upload: the document travels in pieces, SendfaxEx_2 names the session.
    $started = $client->StartFileUpload(array('Username' => $user, 'Password' => $password, 'SessionID' => ''));
    check($started->StartFileUploadResult == 0, "StartFileUpload answered {$started->StartFileUploadResult}");
    $session = $started->SessionID;
    check(strlen($session) == 64, "session $session");
    $document = '';
    for ($line = 1; $line <= 80; $line++) {
        $document .= "Chunk upload by $label, line $line\n";
    }
    $total = 0;
    foreach (str_split($document, 1000) as $chunk) {
        $total += strlen($chunk);
        $answer = $client->UploadFileChunk(array(
            'SessionID' => $session, 'Chunk' => $chunk, 'IsLast' => $total == strlen($document),
        ))->UploadFileChunkResult;
        check($answer == $total, "UploadFileChunk answered $answer, expected $total");
    }
    echo "UPLOAD $session $total\n";
    $uploaded = $client->SendfaxEx_2(array(
        'Username' => $user, 'Password' => $password, 'FaxNumbers' => '+81 3 5550 0100',
        'Contacts' => 'Tokyo', 'FilesData' => '', 'FileTypes' => 'TXT',
        'FileSizes' => strlen($document) . "/sessionID=$session", 'Postpone' => '2000-01-01T00:00:00',
        'RetriesToPerform' => 1, 'CSID' => 'TOOLKIT', 'PageHeader' => 'N', 'JobID' => "upload-$label",
        'Subject' => "$label upload", 'ReplyAddress' => '', 'PageSize' => 'Letter',
        'PageOrientation' => 'Portrait', 'IsHighResolution' => true, 'IsFineRendering' => false,
    ))->SendfaxEx_2Result;
    check($uploaded > 0, "SendfaxEx_2 with a session answered $uploaded");
    echo "SENT-UPLOAD $uploaded\n";
    $items = wait_final($client, $user, $password, $uploaded, 1);
    check($items[0]->Status == 0, "upload status {$items[0]->Status}");
    check($items[0]->PageResolution === 'Fine', "resolution {$items[0]->PageResolution}");
    download($client, $user, $password, $uploaded);
}

try {
    run($argv);
    echo "DONE\n";
} catch (Exception $e) {
    echo 'FAIL ' . get_class($e) . ': ' . $e->getMessage() . "\n";
    fwrite(STDERR, (string) $e . "\n");
    exit(1);
}
