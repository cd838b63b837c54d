# ruff: noqa: E501  (the XML templates keep SoapUI's one-line elements)
"""Writes interfax-soap-project.xml: the SoapUI project of every dfs.asmx operation, from the
served WSDL (element order, operations), with its test suite.

    python examples/soapui/make_project.py [WSDL_URL_OR_FILE] [OUTPUT]

Run it from the repository (it builds the mail-merge letter with tests/docx_helpers.py) after an
operation is added, or edit the XML in SoapUI; tests/toolkits/test_soapui_project.py keeps the
file true either way. IDs are derived from names, so regenerating changes only what changed
(and the letter's ZIP timestamps).
"""

import base64
import sys
import uuid
from pathlib import Path
from urllib.request import urlopen
from xml.sax.saxutils import escape

from lxml import etree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
from tests.docx_helpers import docx, simple, text  # noqa: E402

NS = "http://www.interfax.cc"
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/dfs.asmx?WSDL"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "interfax-soap-project.xml"
if SOURCE.startswith(("http://", "https://")):
    with urlopen(SOURCE) as answer:  # noqa: S310 - the operator's own server
        WSDL = etree.ElementTree(etree.fromstring(answer.read()))
else:
    WSDL = etree.parse(SOURCE)
S = "{http://www.w3.org/2001/XMLSchema}"
W = "{http://schemas.xmlsoap.org/wsdl/}"
DECL = f"declare namespace ns='{NS}';\n"

schema = WSDL.getroot().find(f".//{S}schema")
ORDER: dict[str, list[str]] = {}
TYPES: dict[str, list[str]] = {}
for el in schema:
    if el.tag == f"{S}element":
        seq = el.find(f"{S}complexType/{S}sequence")
        ORDER[el.get("name")] = [c.get("name") for c in seq] if seq is not None else []
    elif el.tag == f"{S}complexType":
        seq = el.find(f"{S}sequence")
        TYPES[el.get("name")] = [c.get("name") for c in seq] if seq is not None else []
OPERATIONS = [
    op.get("name")
    for op in WSDL.getroot().find(f"{W}binding[@name='InterFaxSoap']").findall(f"{W}operation")
]


def ident(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "interfax-soap/soapui/" + "/".join(parts)))


def b64(text: str) -> str:
    return base64.b64encode(text.encode("ascii")).decode()


def fields(names: list[str], values: dict, indent: str) -> list[str]:
    unknown = set(values) - set(names)
    assert not unknown, unknown
    lines = []
    for name in names:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, dict):
            type_name = {"QueryForm": "QueryForm", "QueryControl": "QueryControl"}.get(name, "QueryCondition")
            lines.append(f"{indent}<int:{name}>")
            lines += fields(TYPES[type_name], value, indent + "   ")
            lines.append(f"{indent}</int:{name}>")
        else:
            lines.append(f"{indent}<int:{name}>{escape(str(value))}</int:{name}>")
    return lines


def envelope(op: str, values: dict, soap12: bool = False) -> str:
    env, uri = ("soap", "http://www.w3.org/2003/05/soap-envelope") if soap12 else (
        "soapenv", "http://schemas.xmlsoap.org/soap/envelope/")
    body = fields(ORDER[op], values, "         ")
    inner = "\n".join(body)
    op_el = f"      <int:{op}>\n{inner}\n      </int:{op}>" if body else f"      <int:{op}/>"
    return (
        f'<{env}:Envelope xmlns:{env}="{uri}" xmlns:int="{NS}">\n'
        f"   <{env}:Header/>\n   <{env}:Body>\n{op_el}\n   </{env}:Body>\n</{env}:Envelope>"
    )


# ---- assertions -------------------------------------------------------------------------------

def a_soap(step):
    return f'<con:assertion type="SOAP Response" id="{ident(step, "soap")}" name="SOAP Response"/>'


def a_not_fault(step):
    return (f'<con:assertion type="SOAP Fault Assertion" id="{ident(step, "notfault")}" '
            'name="Not SOAP Fault"/>')


def a_fault(step):
    return (f'<con:assertion type="Not SOAP Fault Assertion" id="{ident(step, "fault")}" '
            'name="SOAP Fault"/>')


def a_schema(step):
    return (f'<con:assertion type="Schema Compliance" id="{ident(step, "schema")}" '
            'name="Schema Compliance"><con:configuration><definition/></con:configuration>'
            "</con:assertion>")


def a_codes(step, codes):
    return (f'<con:assertion type="Valid HTTP Status Codes" id="{ident(step, "codes")}" '
            f'name="Valid HTTP Status Codes"><con:configuration><codes>{codes}</codes>'
            "</con:configuration></con:assertion>")


def a_xpath(step, name, path, content):
    return (
        f'<con:assertion type="XPath Match" id="{ident(step, "xpath", name)}" name="{escape(name)}">'
        f"<con:configuration><path>{escape(DECL + path)}</path><content>{escape(content)}</content>"
        "<allowWildcards>false</allowWildcards><ignoreNamspaceDifferences>false"
        "</ignoreNamspaceDifferences><ignoreComments>false</ignoreComments>"
        "</con:configuration></con:assertion>"
    )


def a_contains(step, token):
    return (f'<con:assertion type="Simple Contains" id="{ident(step, "contains", token)}" '
            f'name="Contains {escape(token)}"><con:configuration><token>{escape(token)}</token>'
            "<ignoreCase>false</ignoreCase><useRegEx>false</useRegEx></con:configuration>"
            "</con:assertion>")


# ---- steps ------------------------------------------------------------------------------------

def request_step(case, name, op, values, checks, soap12=False, ok=True):
    step = f"{case}/{name}"
    interface = "InterFaxSoap12" if soap12 else "InterFaxSoap"
    assertions = [a_soap(step)]
    if ok:
        assertions += [a_not_fault(step), a_codes(step, "200"), a_schema(step)]
    else:
        assertions += [a_fault(step), a_codes(step, "500")]
    for check in checks:
        if check[0] == "xpath":
            assertions.append(a_xpath(step, check[1], check[2], check[3]))
        elif check[0] == "contains":
            assertions.append(a_contains(step, check[1]))
    request = envelope(op, values, soap12)
    return f"""      <con:testStep type="request" name="{escape(name)}" id="{ident(step)}">
        <con:settings/>
        <con:config xsi:type="con:RequestStep" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <con:interface>{interface}</con:interface>
          <con:operation>{op}</con:operation>
          <con:request name="{escape(name)}" id="{ident(step, 'request')}">
            <con:settings/>
            <con:encoding>UTF-8</con:encoding>
            <con:endpoint>${{#Project#endpoint}}</con:endpoint>
            <con:request><![CDATA[{request}]]></con:request>
            {chr(10).join('            ' + a if i else a for i, a in enumerate(assertions))}
            <con:credentials>
              <con:authType>No Authorization</con:authType>
            </con:credentials>
            <con:jmsConfig JMSDeliveryMode="PERSISTENT"/>
            <con:jmsPropertyConfig/>
            <con:wsaConfig mustUnderstand="NONE" version="200508" action="{NS}/{op}"/>
            <con:wsrmConfig version="1.2"/>
          </con:request>
        </con:config>
      </con:testStep>
"""


def transfer_step(case, name, source_step, path, target, target_step="#TestCase#"):
    step = f"{case}/{name}"
    return f"""      <con:testStep type="transfer" name="{escape(name)}" id="{ident(step)}">
        <con:settings/>
        <con:config xsi:type="con:PropertyTransfersStep" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <con:transfers setNullOnMissingSource="false" transferTextContent="true" failOnError="true" ignoreEmpty="false" transferToAll="false" entitize="false" transferChildNodes="false">
            <con:name>{target}</con:name>
            <con:sourceType>Response</con:sourceType>
            <con:sourceStep>{escape(source_step)}</con:sourceStep>
            <con:sourcePath>{escape(DECL + path)}</con:sourcePath>
            <con:targetType>{target}</con:targetType>
            <con:targetStep>{target_step}</con:targetStep>
            <con:type>XPATH</con:type>
          </con:transfers>
        </con:config>
      </con:testStep>
"""


def delay_step(case, name, ms=250):
    return f"""      <con:testStep type="delay" name="{escape(name)}" id="{ident(case, name)}">
        <con:settings/>
        <con:config>
          <delay>{ms}</delay>
        </con:config>
      </con:testStep>
"""


def goto_step(case, name, condition, expression, target):
    return f"""      <con:testStep type="goto" name="{escape(name)}" id="{ident(case, name)}">
        <con:settings/>
        <con:config xsi:type="con:GotoStep" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <con:condition>
            <con:name>{escape(condition)}</con:name>
            <con:expression>{escape(DECL + expression)}</con:expression>
            <con:targetStep>{escape(target)}</con:targetStep>
            <con:type>XPATH</con:type>
          </con:condition>
        </con:config>
      </con:testStep>
"""


def test_case(name, steps, properties=()):
    props = "".join(
        f"\n        <con:property>\n          <con:name>{p}</con:name>\n          <con:value/>\n        </con:property>"
        for p in properties
    )
    props_xml = f"      <con:properties>{props}\n      </con:properties>\n" if properties else "      <con:properties/>\n"
    return f"""    <con:testCase id="{ident(name)}" failOnError="true" failTestCaseOnErrors="true" keepSession="false" maxResults="0" name="{escape(name)}" searchProperties="true" timeout="120000">
      <con:settings/>
{''.join(steps)}{props_xml}    </con:testCase>
"""


U, P = "${#Project#username}", "${#Project#password}"
CRED = {"Username": U, "Password": P}
PAST = "2000-01-01T00:00:00"
LATER = "${#Project#postponeUntil}"
TID = "${#TestCase#TransactionID}"
PARENT = "${#TestCase#ParentTransactionID}"
SESSION = "${#TestCase#SessionID}"


def send2(**over):
    values = dict(CRED, FaxNumbers="+1 212 555 0100", Contacts="", FilesData=b64("Sent from SoapUI"),
                  FileTypes="TXT", FileSizes=str(len("Sent from SoapUI")), Postpone=PAST,
                  RetriesToPerform="1", CSID="SOAPUI", PageHeader="N", JobID="soapui",
                  Subject="SoapUI", ReplyAddress="", PageSize="A4", PageOrientation="Portrait",
                  IsHighResolution="false", IsFineRendering="false")
    values.update(over)
    return values


def eq(path, value):
    return ("xpath", f"{path} = {value}", path, value)


def true(name, expression):
    return ("xpath", name, expression, "true")


cases = []

# 1. Utilities ----------------------------------------------------------------------------------
c = "Utilities"
cases.append(test_case(c, [
    request_step(c, "GetSupportedFileTypes", "GetSupportedFileTypes", {}, [
        ("contains", "TXT"),
        true("PDF is supported", "contains(//ns:GetSupportedFileTypesResult, 'PDF')"),
    ]),
    request_step(c, "IsSupportedFileType pdf", "IsSupportedFileType", {"FileType": "pdf"}, [
        eq("//ns:IsSupportedFileTypeResult", "true"),
    ]),
    request_step(c, "IsSupportedFileType exe", "IsSupportedFileType", {"FileType": "exe"}, [
        eq("//ns:IsSupportedFileTypeResult", "false"),
    ]),
    request_step(c, "GetAllErrorCodes", "GetAllErrorCodes", {}, [
        true("many codes", "count(//ns:ErrorMessage) > 10"),
        true("-1003 is described", "string-length(//ns:ErrorMessage[ns:Code = -1003]/ns:Description) > 0"),
    ]),
    request_step(c, "GetErrorDescription", "GetErrorDescription", {"ErrorCode": "-1003"}, [
        true("described", "contains(//ns:GetErrorDescriptionResult, 'Authentication')"),
    ]),
]))

# 2. One text fax: follow it, fetch it, resend it, hide it ---------------------------------------
c = "Text fax: status, image, resend, hide"
ITEM_EX = f"//ns:FaxItemEx[ns:TransactionID = {TID}]"
cases.append(test_case(c, [
    request_step(c, "SendCharFax", "SendCharFax", dict(CRED, FaxNumber="+1 212 555 0100",
                 Data="Hello from SoapUI, one page of text", FileType="TXT"), [
        true("a transaction ID", "//ns:SendCharFaxResult > 0"),
    ]),
    transfer_step(c, "Keep TransactionID", "SendCharFax", "//ns:SendCharFaxResult", "TransactionID"),
    delay_step(c, "Wait for the fax"),
    request_step(c, "FaxQuery EQ", "FaxQuery", dict(CRED, Verb="EQ", VerbData=TID, MaxItems="-1",
                 ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq("count(//ns:FaxItemEx)", "1"),
    ]),
    goto_step(c, "Until it is final", "negative status: still in progress",
              "//ns:FaxItemEx/ns:Status < 0", "Wait for the fax"),
    request_step(c, "FaxStatusEx", "FaxStatusEx", dict(CRED, LastTransactionID="999999999",
                 MaxItems="10", TotalCount="0", ListSize="0", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq(f"{ITEM_EX}/ns:Status", "0"),
        eq(f"{ITEM_EX}/ns:PagesSent", "1"),
        eq(f"{ITEM_EX}/ns:DestinationFax", "0012125550100"),
        true("ListSize counts the items", "//ns:ListSize = count(//ns:FaxItemEx)"),
    ]),
    request_step(c, "FaxStatus", "FaxStatus", dict(CRED, LastTransactionID="999999999",
                 MaxItems="10", TotalCount="0", ListSize="0", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq(f"//ns:FaxItem[ns:TransactionID = {TID}]/ns:Status", "0"),
        eq(f"//ns:FaxItem[ns:TransactionID = {TID}]/ns:PagesSubmitted", "1"),
    ]),
    request_step(c, "FaxStatusXML", "FaxStatusXML", dict(CRED, LastTransactionID="999999999",
                 MaxItems="10", TotalCount="0", ListSize="0", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        true("an ArrayOfFaxItemEx document", "contains(//ns:FaxStatusXMLResult, 'ArrayOfFaxItemEx')"),
        true("naming the fax", f"contains(//ns:FaxStatusXMLResult, '<TransactionID>{TID}</TransactionID>')"),
    ]),
    request_step(c, "FaxQuery2", "FaxQuery2", dict(CRED, QueryForm={
        "Subject": {"Verb": "Equals", "VerbData": ""},
        "FaxNumber": {"Verb": "Equals", "VerbData": ""},
        "DateFrom": "2000-01-01T00:00:00", "DateTo": "2099-12-31T00:00:00",
        "UserID": {"Verb": "Equals", "VerbData": ""},
        "ReplyAddress": {"Verb": "Equals", "VerbData": ""},
        "TransactionID": {"Verb": "Equals", "VerbData": TID},
        "ParentTransactionID": {"Verb": "Equals", "VerbData": ""},
        "Status": {"Verb": "Equals", "VerbData": ""},
        "ShowHiddenTransactions": "false",
    }, QueryControl={
        "OnlyParents": "false", "NumOfResults": "10", "StartingRecord": "0",
        "OrderBy": "TransactionID", "AscOrderDirection": "true", "ReturnItems": "true",
        "ReturnStats": "true",
    }), [
        eq("//ns:FaxQuery2Result/ns:ResultCode", "0"),
        eq("//ns:TotalTransactionsNum", "1"),
        eq("//ns:FaxItemEx2/ns:TransactionID", TID),
        eq("//ns:StatusCount[ns:Status = 0]/ns:Count", "1"),
    ]),
    request_step(c, "GetFaxImage", "GetFaxImage", dict(CRED, TransactionID=TID, Image=""), [
        eq("//ns:GetFaxImageResult", "0"),
        true("a TIFF (base64 of II*)", "starts-with(normalize-space(//ns:Image), 'SUkq')"),
    ]),
    request_step(c, "ReSendFax", "ReSendFax", dict(CRED, TransactionID=TID, FaxNumber="+81 3 5550 0100"), [
        true("a new transaction", f"//ns:ReSendFaxResult > {TID}"),
    ]),
    request_step(c, "HideFax", "HideFax", dict(CRED, TransactionID=TID), [
        eq("//ns:HideFaxResult", "0"),
    ]),
    request_step(c, "FaxStatusEx after HideFax", "FaxStatusEx", dict(CRED, LastTransactionID="999999999",
                 MaxItems="100", TotalCount="0", ListSize="0", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq(f"count({ITEM_EX})", "0"),
    ]),
], properties=["TransactionID"]))

# 3. Documents and batches -----------------------------------------------------------------------
c = "Documents and batches"
first, second = "First document", "Second document\fits second page"
batch_a, batch_b = "Batch document one", "Batch document two"
MEMBERS = "//ns:FaxItemEx"
cases.append(test_case(c, [
    request_step(c, "Sendfax", "Sendfax", dict(CRED, FaxNumber="+44 20 5550 0100",
                 FileData=b64("Sendfax from SoapUI"), FileType="TXT"), [
        true("a transaction ID", "//ns:SendfaxResult > 0"),
    ]),
    request_step(c, "SendfaxEx", "SendfaxEx", dict(CRED, FaxNumbers="+1 212 555 0100",
                 FilesData=b64(first + second), FileTypes="TXT;txt",
                 FileSizes=f"{len(first)};{len(second)}", Postpone=PAST, IsHighResolution="true",
                 CSID="SOAPUI", Subject="SendfaxEx from SoapUI", ReplyAddress=""), [
        true("a transaction ID", "//ns:SendfaxExResult > 0"),
    ]),
    request_step(c, "SendfaxEx_2 to two numbers", "SendfaxEx_2", send2(
        FaxNumbers="+1 212 555 0100;+44 20 5550 0100", Contacts="New York;London",
        FilesData=b64(batch_a + batch_b), FileTypes="TXT;TXT",
        FileSizes=f"{len(batch_a)};{len(batch_b)}", RetriesToPerform="2",
        Subject="Batch from SoapUI", JobID="soapui-batch"), [
        true("a transaction ID", "//ns:SendfaxEx_2Result > 0"),
    ]),
    transfer_step(c, "Keep ParentTransactionID", "SendfaxEx_2 to two numbers",
                  "//ns:SendfaxEx_2Result", "ParentTransactionID"),
    delay_step(c, "Wait for the batch"),
    request_step(c, "FaxQuery PARENT", "FaxQuery", dict(CRED, Verb="PARENT", VerbData=PARENT,
                 MaxItems="-1", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq(f"count({MEMBERS})", "2"),
    ]),
    goto_step(c, "Until every member is final", "a member still in progress",
              f"count({MEMBERS}) < 2 or {MEMBERS}/ns:Status < 0", "Wait for the batch"),
    request_step(c, "FaxQuery PARENT when final", "FaxQuery", dict(CRED, Verb="PARENT",
                 VerbData=PARENT, MaxItems="-1", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq(f"count({MEMBERS}[ns:Status = 0])", "2"),
        eq(f"count({MEMBERS}[ns:ParentTransactionID = {PARENT}])", "2"),
        eq(f"{MEMBERS}[ns:Contact = 'London']/ns:DestinationFax", "00442055500100"),
        eq(f"{MEMBERS}[ns:Contact = 'New York']/ns:Subject", "Batch from SoapUI"),
    ]),
    request_step(c, "ResendBroadcastFax", "ResendBroadcastFax", dict(CRED,
                 ParentTransactionID=PARENT, Subject="Batch again", SendErrorsOnly="false"), [
        true("a new batch", f"//ns:ResendBroadcastFaxResult > {PARENT}"),
    ]),
    request_step(c, "HideBatch", "HideBatch", dict(CRED, ParentTransactionID=PARENT), [
        eq("//ns:HideBatchResult", "0"),
    ]),
], properties=["ParentTransactionID"]))

# 4. Cancelling postponed faxes --------------------------------------------------------------------
c = "Cancel postponed faxes"
cases.append(test_case(c, [
    request_step(c, "SendfaxEx_2 postponed", "SendfaxEx_2", send2(Postpone=LATER, Subject="Cancel me"), [
        true("a transaction ID", "//ns:SendfaxEx_2Result > 0"),
    ]),
    transfer_step(c, "Keep TransactionID", "SendfaxEx_2 postponed", "//ns:SendfaxEx_2Result",
                  "TransactionID"),
    request_step(c, "CancelFax", "CancelFax", dict(CRED, TransactionID=TID), [
        eq("//ns:CancelFaxResult", "0"),
    ]),
    request_step(c, "FaxQuery cancelled", "FaxQuery", dict(CRED, Verb="EQ", VerbData=TID,
                 MaxItems="-1", ResultCode="0"), [
        eq("//ns:FaxItemEx/ns:Status", "403"),
        eq("//ns:FaxItemEx/ns:TrialsPerformed", "0"),
    ]),
    request_step(c, "CancelFax again", "CancelFax", dict(CRED, TransactionID=TID), [
        eq("//ns:CancelFaxResult", "-162"),
    ]),
    request_step(c, "SendfaxEx_2 postponed batch", "SendfaxEx_2", send2(
        FaxNumbers="+1 212 555 0100;+81 3 5550 0100", Postpone=LATER, Subject="Cancel us"), [
        true("a transaction ID", "//ns:SendfaxEx_2Result > 0"),
    ]),
    transfer_step(c, "Keep ParentTransactionID", "SendfaxEx_2 postponed batch",
                  "//ns:SendfaxEx_2Result", "ParentTransactionID"),
    request_step(c, "CancelBatch", "CancelBatch", dict(CRED, ParentTransactionID=PARENT), [
        eq("//ns:CancelBatchResult", "0"),
    ]),
    request_step(c, "FaxQuery cancelled batch", "FaxQuery", dict(CRED, Verb="PARENT",
                 VerbData=PARENT, MaxItems="-1", ResultCode="0"), [
        eq("count(//ns:FaxItemEx[ns:Status = 403])", "2"),
    ]),
    request_step(c, "CancelBatch again", "CancelBatch", dict(CRED, ParentTransactionID=PARENT), [
        eq("//ns:CancelBatchResult", "-162"),
    ]),
], properties=["TransactionID", "ParentTransactionID"]))

# 5. Chunk upload ------------------------------------------------------------------------------------
c = "Chunk upload"
part1, part2 = "Chunk upload from SoapUI, part one.\n", "And part two, the last one.\n"
total = len(part1) + len(part2)
cases.append(test_case(c, [
    request_step(c, "StartFileUpload", "StartFileUpload", dict(CRED, SessionID=""), [
        eq("//ns:StartFileUploadResult", "0"),
        eq("string-length(//ns:SessionID)", "64"),
    ]),
    transfer_step(c, "Keep SessionID", "StartFileUpload", "//ns:SessionID", "SessionID"),
    request_step(c, "UploadFileChunk 1", "UploadFileChunk", {"SessionID": SESSION,
                 "Chunk": b64(part1), "IsLast": "false"}, [
        eq("//ns:UploadFileChunkResult", str(len(part1))),
    ]),
    request_step(c, "UploadFileChunk 2 (last)", "UploadFileChunk", {"SessionID": SESSION,
                 "Chunk": b64(part2), "IsLast": "true"}, [
        eq("//ns:UploadFileChunkResult", str(total)),
    ]),
    request_step(c, "SendfaxEx_2 with the session", "SendfaxEx_2", send2(
        FilesData="", FileTypes="TXT", FileSizes=f"{total}/sessionID={SESSION}",
        Subject="Uploaded in chunks"), [
        true("a transaction ID", "//ns:SendfaxEx_2Result > 0"),
    ]),
    request_step(c, "UploadFileChunk to the used session", "UploadFileChunk", {"SessionID": SESSION,
                 "Chunk": b64("more"), "IsLast": "true"}, [
        eq("//ns:UploadFileChunkResult", "-1062"),
    ]),
    request_step(c, "StartFileUpload to cancel", "StartFileUpload", dict(CRED, SessionID=""), [
        eq("//ns:StartFileUploadResult", "0"),
    ]),
    transfer_step(c, "Keep the second SessionID", "StartFileUpload to cancel", "//ns:SessionID",
                  "SessionID"),
    request_step(c, "CancelFileUpload", "CancelFileUpload", {"SessionID": SESSION}, [
        eq("//ns:CancelFileUploadResult", "0"),
    ]),
    request_step(c, "UploadFileChunk to the cancelled session", "UploadFileChunk",
                 {"SessionID": SESSION, "Chunk": b64("late"), "IsLast": "true"}, [
        eq("//ns:UploadFileChunkResult", "-1062"),
    ]),
], properties=["SessionID"]))

# 6. Errors -------------------------------------------------------------------------------------------
c = "Errors"
cases.append(test_case(c, [
    request_step(c, "SendCharFax with a wrong password", "SendCharFax", dict(Username=U,
                 Password="not-the-password", FaxNumber="+1 212 555 0100", Data="x", FileType="TXT"), [
        eq("//ns:SendCharFaxResult", "-1003"),
    ]),
    request_step(c, "SendfaxEx_2 with sizes that do not add up", "SendfaxEx_2", send2(FileSizes="99"), [
        eq("//ns:SendfaxEx_2Result", "-1008"),
    ]),
    request_step(c, "FaxQuery with an unknown verb", "FaxQuery", dict(CRED, Verb="SOMETIMES",
                 VerbData="1", MaxItems="-1", ResultCode="0"), [
        eq("//ns:ResultCode", "-1030"),
        eq("count(//ns:FaxQueryResult)", "0"),
    ]),
    request_step(c, "GetFaxImage of an unknown fax", "GetFaxImage", dict(CRED,
                 TransactionID="999999999", Image=""), [
        true("a negative code", "//ns:GetFaxImageResult < 0"),
    ]),
    request_step(c, "FaxQuery with MaxItems not a number", "FaxQuery", dict(CRED, Verb="EQ",
                 VerbData="1", MaxItems="many", ResultCode="0"), [
        eq("//faultcode", "soap:Client"),
    ], ok=False),
]))

# 7. Prepaid cards, 8. Word mail merge (needs LibreOffice on the server) ---------------------------------------------------------------
c = "Prepaid cards"
LETTER = base64.b64encode(docx(
    [text("Dear "), simple("Name"), text(",")],
    [text("this letter was merged by interfax-soap for "), simple("Company"), text(".")],
)).decode()
MERGE_LIST = b64("FaxNumber,Name,Company\r\n+1 212 555 0100,Alice,ACME\r\n+44 20 5550 0100,Bob,Initech\r\n")
MERGE_OPTIONS = b64("Subject=Mail merge from SoapUI\nCSID=SOAPUI\n")
NO_CARD = "999999999"
cases.append(test_case(c, [
    request_step(c, "GetListPP", "GetListPP", dict(CRED), [
        eq("//ns:GetListPPResult/ns:ResultCode", "0"),
        true("a currency code", "string-length(//ns:GetListPPResult/ns:CurrencyCode) = 3"),
        true("an account type", "string-length(//ns:GetListPPResult/ns:AccountType) > 0"),
    ]),
    request_step(c, "GetPPCardDetails of a card not ours", "GetPPCardDetails",
                 dict(CRED, PPCardID=NO_CARD), [
        eq("//ns:GetPPCardDetailsResult/ns:ResultCode", "-3007"),
    ]),
    request_step(c, "GetPPCardTransactions of a card not ours", "GetPPCardTransactions",
                 dict(CRED, PPCardID=NO_CARD, FirstResult="0", NumOfResults="0"), [
        eq("//ns:GetPPCardTransactionsResult/ns:ResultCode", "-3007"),
    ]),
    request_step(c, "GetPPCardTransactionsAsByteArray", "GetPPCardTransactionsAsByteArray",
                 dict(CRED, Year="2020", Month="1"), [
        eq("//ns:GetPPCardTransactionsAsByteArrayResult/ns:ResultCode", "0"),
        true("a ZIP (base64 of PK)", "starts-with(normalize-space(//ns:Transactions), 'UEsDB')"),
    ]),
], properties=[]))

c = "Word mail merge"
cases.append(test_case(c, [
    request_step(c, "SendWordMailMerge", "SendWordMailMerge", dict(CRED, Document=LETTER,
                 List=MERGE_LIST, Options=MERGE_OPTIONS), [
        true("a transaction ID", "//ns:SendWordMailMergeResult > 0"),
    ]),
    transfer_step(c, "Keep ParentTransactionID", "SendWordMailMerge",
                  "//ns:SendWordMailMergeResult", "ParentTransactionID"),
    delay_step(c, "Wait for the letters"),
    request_step(c, "FaxQuery PARENT", "FaxQuery", dict(CRED, Verb="PARENT", VerbData=PARENT,
                 MaxItems="-1", ResultCode="0"), [
        eq("//ns:ResultCode", "0"),
        eq(f"count({MEMBERS})", "2"),
    ]),
    goto_step(c, "Until every letter is final", "a letter still in progress",
              f"count({MEMBERS}) < 2 or {MEMBERS}/ns:Status < 0", "Wait for the letters"),
    request_step(c, "FaxQuery PARENT when final", "FaxQuery", dict(CRED, Verb="PARENT",
                 VerbData=PARENT, MaxItems="-1", ResultCode="0"), [
        eq(f"count({MEMBERS}[ns:Status = 0])", "2"),
        eq(f"count({MEMBERS}[ns:Subject = 'Mail merge from SoapUI'])", "2"),
        eq(f"{MEMBERS}[ns:DestinationFax = '00442055500100']/ns:SenderCSID", "SOAPUI"),
    ]),
], properties=["ParentTransactionID"]))

# 9. SOAP 1.2 -----------------------------------------------------------------------------------------
c = "SOAP 1.2"
cases.append(test_case(c, [
    request_step(c, "GetSupportedFileTypes (1.2)", "GetSupportedFileTypes", {}, [
        ("contains", "TXT"),
    ], soap12=True),
    request_step(c, "SendCharFax (1.2)", "SendCharFax", dict(CRED, FaxNumber="+1 212 555 0100",
                 Data="Hello over SOAP 1.2", FileType="TXT"), [
        true("a transaction ID", "//ns:SendCharFaxResult > 0"),
    ], soap12=True),
    request_step(c, "GetErrorDescription (1.2)", "GetErrorDescription", {"ErrorCode": "-112"}, [
        true("described", "string-length(//ns:GetErrorDescriptionResult) > 0"),
    ], soap12=True),
]))

# ---- interfaces ---------------------------------------------------------------------------------------
EXAMPLES = {
    "FaxStatusEx": dict(CRED, LastTransactionID="999999999", MaxItems="10", TotalCount="0", ListSize="0", ResultCode="0"),
    "FaxQuery2": None,  # filled below from the test step
    "FaxQuery": dict(CRED, Verb="GE", VerbData="1", MaxItems="10", ResultCode="0"),
    "FaxStatus": dict(CRED, LastTransactionID="999999999", MaxItems="10", TotalCount="0", ListSize="0", ResultCode="0"),
    "FaxStatusXML": dict(CRED, LastTransactionID="999999999", MaxItems="10", TotalCount="0", ListSize="0", ResultCode="0"),
    "SendCharFax": dict(CRED, FaxNumber="+1 212 555 0100", Data="Hello from SoapUI", FileType="TXT"),
    "Sendfax": dict(CRED, FaxNumber="+1 212 555 0100", FileData=b64("Hello from SoapUI"), FileType="TXT"),
    "CancelFax": dict(CRED, TransactionID="1"),
    "CancelBatch": dict(CRED, ParentTransactionID="1"),
    "SendfaxEx": dict(CRED, FaxNumbers="+1 212 555 0100", FilesData=b64("Hello from SoapUI"), FileTypes="TXT",
                      FileSizes=str(len("Hello from SoapUI")), Postpone=PAST, IsHighResolution="false",
                      CSID="SOAPUI", Subject="SoapUI", ReplyAddress=""),
    "SendfaxEx_2": send2(),
    "ResendBroadcastFax": dict(CRED, ParentTransactionID="1", Subject="", SendErrorsOnly="true"),
    "ReSendFax": dict(CRED, TransactionID="1", FaxNumber=""),
    "GetFaxImage": dict(CRED, TransactionID="1", Image=""),
    "HideFax": dict(CRED, TransactionID="1"),
    "HideBatch": dict(CRED, ParentTransactionID="1"),
    "GetSupportedFileTypes": {},
    "IsSupportedFileType": {"FileType": "PDF"},
    "StartFileUpload": dict(CRED, SessionID=""),
    "UploadFileChunk": {"SessionID": "0" * 64, "Chunk": b64("chunk"), "IsLast": "false"},
    "CancelFileUpload": {"SessionID": "0" * 64},
    "GetAllErrorCodes": {},
    "GetErrorDescription": {"ErrorCode": "-1003"},
}
EXAMPLES.update({
    "GetListPP": dict(CRED),
    "GetPPCardDetails": dict(CRED, PPCardID="1"),
    "GetPPCardTransactions": dict(CRED, PPCardID="1", FirstResult="0", NumOfResults="10"),
    "GetPPCardTransactionsAsByteArray": dict(CRED, Year="2026", Month="1"),
    "SendWordMailMerge": dict(CRED, Document=LETTER, List=MERGE_LIST, Options=MERGE_OPTIONS),
})
EXAMPLES["FaxQuery2"] = dict(CRED, QueryForm={
    "Subject": {"Verb": "Like", "VerbData": "%"},
    "FaxNumber": {"Verb": "Equals", "VerbData": ""},
    "DateFrom": "2000-01-01T00:00:00", "DateTo": "2099-12-31T00:00:00",
    "UserID": {"Verb": "Equals", "VerbData": ""},
    "ReplyAddress": {"Verb": "Equals", "VerbData": ""},
    "TransactionID": {"Verb": "Equals", "VerbData": ""},
    "ParentTransactionID": {"Verb": "Equals", "VerbData": ""},
    "Status": {"Verb": "Equals", "VerbData": ""},
    "ShowHiddenTransactions": "false",
}, QueryControl={
    "OnlyParents": "false", "NumOfResults": "10", "StartingRecord": "0", "OrderBy": "TransactionID",
    "AscOrderDirection": "false", "ReturnItems": "true", "ReturnStats": "true",
})
missing = set(OPERATIONS) - set(EXAMPLES)
assert not missing, missing


def interface(name, soap12):
    ops = []
    for op in OPERATIONS:
        call = ""
        if not soap12:
            call = f"""
      <con:call id="{ident(name, op, 'call')}" name="Request 1">
        <con:settings/>
        <con:encoding>UTF-8</con:encoding>
        <con:endpoint>${{#Project#endpoint}}</con:endpoint>
        <con:request><![CDATA[{envelope(op, EXAMPLES[op])}]]></con:request>
        <con:credentials>
          <con:authType>No Authorization</con:authType>
        </con:credentials>
        <con:jmsConfig JMSDeliveryMode="PERSISTENT"/>
        <con:jmsPropertyConfig/>
        <con:wsaConfig mustUnderstand="NONE" version="200508" action="{NS}/{op}"/>
        <con:wsrmConfig version="1.2"/>
      </con:call>"""
        ops.append(f"""    <con:operation id="{ident(name, op)}" isOneWay="false" action="{NS}/{op}" name="{op}" bindingOperationName="{op}" type="Request-Response" inputName="" receivesAttachments="false" sendsAttachments="false" anonymous="optional">
      <con:settings/>{call}
    </con:operation>
""")
    version = "1_2" if soap12 else "1_1"
    return f"""  <con:interface xsi:type="con:WsdlInterface" id="{ident(name)}" wsaVersion="NONE" name="{name}" type="wsdl" bindingName="{{{NS}}}{name}" soapVersion="{version}" anonymous="optional" definition="http://127.0.0.1:8080/dfs.asmx?WSDL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <con:settings/>
    <con:endpoints>
      <con:endpoint>http://127.0.0.1:8080/dfs.asmx</con:endpoint>
    </con:endpoints>
{''.join(ops)}  </con:interface>
"""


def project_property(name, value):
    return f"""    <con:property>
      <con:name>{name}</con:name>
      <con:value>{escape(value)}</con:value>
    </con:property>
"""


project = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- interfax-soap: every dfs.asmx operation, as SoapUI 5 sees the served WSDL, with a test suite
     whose assertions hold against a local server. Set the project properties (or pass
     -Pendpoint=... -Pusername=... -Ppassword=... to testrunner.sh); postponeUntil must be a
     time within the next 30 days (its default is tomorrow). tests/toolkits/test_soapui_project.py
     replays this file against a server and checks every assertion. -->
<con:soapui-project id="{ident('project')}" activeEnvironment="Default" name="interfax-soap dfs.asmx" resourceRoot="" soapui-version="5.7.0" abortOnError="false" runType="SEQUENTIAL" xmlns:con="http://eviware.com/soapui/config">
  <con:settings/>
{interface('InterFaxSoap', False)}{interface('InterFaxSoap12', True)}  <con:testSuite id="{ident('suite')}" name="dfs.asmx">
    <con:settings/>
    <con:runType>SEQUENTIAL</con:runType>
{''.join(cases)}    <con:properties/>
  </con:testSuite>
  <con:properties>
{project_property('endpoint', 'http://127.0.0.1:8080/dfs.asmx')}{project_property('username', 'alice')}{project_property('password', 'secret')}{project_property('postponeUntil', '${=new Date().plus(1).format("yyyy-MM-dd' + "'T'" + 'HH:mm:ss")}')}  </con:properties>
  <con:wssContainer/>
  <con:oAuth2ProfileContainer/>
  <con:sensitiveInformation/>
</con:soapui-project>
"""
etree.fromstring(project.encode())  # well-formed
OUT.write_text(project, encoding="utf-8")
print(f"wrote {OUT}: {len(cases)} test cases, {len(OPERATIONS)} operations")
