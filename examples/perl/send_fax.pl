#!/usr/bin/perl
# Send files as one fax with SOAP::Lite (libsoap-lite-perl), wait until it is final, save the
# image.
#
#   perl send_fax.pl ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
#   perl send_fax.pl http://127.0.0.1:8080/dfs.asmx alice secret "+1 212 555 0100" memo.txt
#
# SOAP::Lite talks to an .asmx service with the parameters in the service's namespace
# (default_ns) and SOAPAction "<namespace>/<Operation>" (on_action). Exit code 0 when every fax
# was sent.
use strict;
use warnings;

use File::Basename qw(basename);
use MIME::Base64 qw(decode_base64);
use SOAP::Lite;

my $NS = 'http://www.interfax.cc';
die "usage: perl send_fax.pl ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]\n" if @ARGV < 5;
my ($endpoint, $user, $password, $numbers, @files) = @ARGV;

my $soap = SOAP::Lite->proxy($endpoint)->default_ns($NS)
    ->on_action(sub { join '/', $NS, $_[1] });

# call(Operation => Name => value, Name => [value, xsd type], ...), parameters in WSDL order.
sub call {
    my ($operation, @params) = @_;
    my @data;
    while (my ($name, $param) = splice(@params, 0, 2)) {
        my ($value, $type) = ref $param ? @$param : ($param);
        my $item = SOAP::Data->name($name => $value);
        $item->type($type) if $type;
        push @data, $item;
    }
    my $som = $soap->call($operation => @data);
    die "$operation: " . $som->faultstring . "\n" if $som->fault;
    return $som;
}

my ($data, @types, @sizes) = ('');
for my $file (@files) {
    open(my $fh, '<:raw', $file) or die "$file: $!\n";
    my $content = do { local $/; <$fh> };
    $data .= $content;
    push @types, uc(($file =~ /\.([^.]+)$/)[0] // 'TXT');
    push @sizes, length $content;
}

my $parent = call('SendfaxEx_2',
    Username => $user, Password => $password, FaxNumbers => $numbers, Contacts => '',
    FilesData => [$data, 'base64Binary'], FileTypes => join(';', @types),
    FileSizes => join(';', @sizes), Postpone => ['2000-01-01T00:00:00', 'dateTime'],
    RetriesToPerform => 3, CSID => '', PageHeader => '', JobID => '',
    Subject => basename($files[0]), ReplyAddress => '', PageSize => 'A4',
    PageOrientation => 'Portrait', IsHighResolution => ['false', 'boolean'],
    IsFineRendering => ['false', 'boolean'],
)->valueof('//SendfaxEx_2Result');
if ($parent < 0) {
    my $reason = call('GetErrorDescription', ErrorCode => $parent)->valueof('//GetErrorDescriptionResult');
    die "SendfaxEx_2 failed: $parent ($reason)\n";
}
print "transaction $parent\n";

my @items;
while (1) {
    @items = call('FaxQuery', Username => $user, Password => $password, Verb => 'PARENT',
        VerbData => "$parent", MaxItems => -1, ResultCode => 0)
        ->valueof('//FaxQueryResult/FaxItemEx');
    last if @items && !grep { $_->{Status} < 0 } @items;
    sleep 1;
}

my $failed = 0;
for my $item (@items) {
    print "$item->{TransactionID} to $item->{DestinationFax}: status $item->{Status}, "
        . "$item->{PagesSent}/$item->{PagesSubmitted} pages, $item->{Duration} s\n";
    $failed++ if $item->{Status} != 0;
    my $som = call('GetFaxImage', Username => $user, Password => $password,
        TransactionID => $item->{TransactionID}, Image => ['', 'base64Binary']);
    next unless $som->valueof('//GetFaxImageResult') == 0;
    my $name = "fax-$item->{TransactionID}.tif";
    open(my $out, '>:raw', $name) or die "$name: $!\n";
    print $out decode_base64($som->valueof('//GetFaxImageResponse/Image'));
    close $out;
    print "saved $name\n";
}
exit($failed ? 1 : 0);
