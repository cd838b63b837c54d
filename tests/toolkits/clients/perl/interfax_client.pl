#!/usr/bin/perl
# The toolkit scenario (tests/toolkits/README.md) through SOAP::Lite, written the way Perl
# programs talk to an ASP.NET .asmx service (SOAP::Lite does not generate from a WSDL): the
# method and its parameters in the service's default namespace (default_ns), SOAPAction
# "<namespace>/<Operation>" (on_action), SOAP::Lite's own xsi:type attributes left on, binary
# parameters typed base64Binary, results read with valueof() XPaths.
#
# usage: perl interfax_client.pl ENDPOINT USERNAME PASSWORD PNG_FILE LABEL
# Prints the scenario's lines on stdout; any failed check ends it with exit code 1.
use strict;
use warnings;

use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(decode_base64);
use SOAP::Lite;
use Time::HiRes qw(sleep time);

my $NS = 'http://www.interfax.cc';

sub check {
    my ($condition, $what) = @_;
    die "$what\n" unless $condition;
}

my ($endpoint, $user, $password, $png_file, $label) = @ARGV;
my $soap;

sub param { SOAP::Data->name($_[0] => $_[1]) }

# One call: dies on a SOAP fault, returns the SOAP::SOM.
sub call {
    my ($operation, @params) = @_;
    my $som = $soap->call($operation => @params);
    die 'fault ' . $som->faultcode . ': ' . $som->faultstring . "\n" if $som->fault;
    return $som;
}

sub credentials { (param(Username => $user), param(Password => $password)) }

# Polls FaxQuery PARENT until every member is final (Status >= 0).
sub wait_final {
    my ($parent, $count) = @_;
    my $deadline = time + 120;
    while (time < $deadline) {
        my $som = call('FaxQuery', credentials(), param(Verb => 'PARENT'),
            param(VerbData => "$parent"), param(MaxItems => -1), param(ResultCode => 0));
        my $code = $som->valueof('//FaxQueryResponse/ResultCode');
        check($code == 0, "FaxQuery ResultCode $code");
        my @items = $som->valueof('//FaxQueryResponse/FaxQueryResult/FaxItemEx');
        if (@items == $count && !grep { $_->{Status} < 0 } @items) {
            for my $item (@items) {
                print "FINAL $item->{TransactionID} $item->{Status} "
                    . "$item->{PagesSent}/$item->{PagesSubmitted} $item->{DestinationFax}\n";
            }
            return @items;
        }
        sleep 0.25;
    }
    die "transaction $parent did not finish\n";
}

sub download {
    my ($transaction_id) = @_;
    my $som = call('GetFaxImage', credentials(), param(TransactionID => $transaction_id),
        param(Image => '')->type('base64Binary'));
    my $code = $som->valueof('//GetFaxImageResponse/GetFaxImageResult');
    check($code == 0, "GetFaxImage answered $code");
    # The response carries no xsi:type, so SOAP::Lite hands over the base64 text.
    my $image = decode_base64($som->valueof('//GetFaxImageResponse/Image'));
    check(length($image) > 100 && substr($image, 0, 3) eq "II*", 'not a TIFF');
    print "IMAGE $transaction_id " . length($image) . ' ' . sha256_hex($image) . "\n";
}

sub send_fax_ex_2 {
    my (%fields) = @_;
    my $som = call('SendfaxEx_2', credentials(),
        param(FaxNumbers => $fields{FaxNumbers}), param(Contacts => $fields{Contacts}),
        param(FilesData => $fields{FilesData})->type('base64Binary'),
        param(FileTypes => $fields{FileTypes}), param(FileSizes => $fields{FileSizes}),
        param(Postpone => '2000-01-01T00:00:00')->type('dateTime'),
        param(RetriesToPerform => $fields{RetriesToPerform}), param(CSID => 'TOOLKIT'),
        param(PageHeader => 'N'), param(JobID => $fields{JobID}),
        param(Subject => $fields{Subject}), param(ReplyAddress => ''),
        param(PageSize => $fields{PageSize}), param(PageOrientation => 'Portrait'),
        param(IsHighResolution => $fields{IsHighResolution})->type('boolean'),
        param(IsFineRendering => 'false')->type('boolean'));
    return $som->valueof('//SendfaxEx_2Response/SendfaxEx_2Result');
}

sub run {
    check(defined $label, 'usage: interfax_client.pl ENDPOINT USERNAME PASSWORD PNG_FILE LABEL');
    open(my $fh, '<:raw', $png_file) or die "$png_file: $!\n";
    my $png = do { local $/; <$fh> };
    close $fh;
    $soap = SOAP::Lite->proxy($endpoint, timeout => 60)
        ->default_ns($NS)
        ->on_action(sub { join '/', $NS, $_[1] });
    print "TOOLKIT $label SOAP::Lite $SOAP::Lite::VERSION\n";

    my $types = call('GetSupportedFileTypes')->valueof('//GetSupportedFileTypesResult');
    check($types =~ /TXT/ && $types =~ /PNG/, "supported types $types");
    print "SUPPORTED $types\n";

    # Two documents (a two-page text and a PNG) to two numbers: one batch.
    my $text = "Sent by $label\fSecond page";
    my $parent = send_fax_ex_2(
        FaxNumbers => '+1 212 555 0100;+44 20 5550 0100', Contacts => 'New York;London',
        FilesData => $text . $png, FileTypes => 'TXT;PNG',
        FileSizes => length($text) . ';' . length($png), RetriesToPerform => 2,
        JobID => "job-$label", Subject => "$label batch", PageSize => 'A4',
        IsHighResolution => 'false');
    check($parent > 0, "SendfaxEx_2 answered $parent");
    print "SENT $parent\n";
    for my $item (wait_final($parent, 2)) {
        check($item->{Status} == 0, "status $item->{Status}");
        check($item->{ParentTransactionID} == $parent, "parent $item->{ParentTransactionID}");
        check($item->{PagesSent} == 3 && $item->{PagesSubmitted} == 3, "pages $item->{PagesSent}");
        check($item->{Subject} eq "$label batch", "subject $item->{Subject}");
        download($item->{TransactionID});
    }

    # Chunk upload: the document travels in pieces, SendfaxEx_2 names the session.
    my $started = call('StartFileUpload', credentials(), param(SessionID => ''));
    my $code = $started->valueof('//StartFileUploadResponse/StartFileUploadResult');
    check($code == 0, "StartFileUpload answered $code");
    my $session = $started->valueof('//StartFileUploadResponse/SessionID');
    check(defined $session && length($session) == 64, 'session ' . ($session // 'none'));
    my $document = join '', map { "Chunk upload by $label, line $_\n" } 1 .. 80;
    my $total = 0;
    for (my $offset = 0; $offset < length($document); $offset += 1000) {
        my $chunk = substr($document, $offset, 1000);
        $total += length($chunk);
        my $answer = call('UploadFileChunk', param(SessionID => $session),
            param(Chunk => $chunk)->type('base64Binary'),
            param(IsLast => $total == length($document) ? 'true' : 'false')->type('boolean'))
            ->valueof('//UploadFileChunkResponse/UploadFileChunkResult');
        check($answer == $total, "UploadFileChunk answered $answer, expected $total");
    }
    print "UPLOAD $session $total\n";
    my $uploaded = send_fax_ex_2(
        FaxNumbers => '+81 3 5550 0100', Contacts => 'Tokyo', FilesData => '',
        FileTypes => 'TXT', FileSizes => length($document) . "/sessionID=$session",
        RetriesToPerform => 1, JobID => "upload-$label", Subject => "$label upload",
        PageSize => 'Letter', IsHighResolution => 'true');
    check($uploaded > 0, "SendfaxEx_2 with a session answered $uploaded");
    print "SENT-UPLOAD $uploaded\n";
    my ($single) = wait_final($uploaded, 1);
    check($single->{Status} == 0, "upload status $single->{Status}");
    check($single->{PageResolution} eq 'Fine', "resolution $single->{PageResolution}");
    download($uploaded);
}

$| = 1;
if (eval { run(); 1 }) {
    print "DONE\n";
    exit 0;
}
my $error = $@;
chomp $error;
print "FAIL $error\n";
exit 1;
