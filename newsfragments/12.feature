The InterFAX REST API (/outbound, /inbound, /accounts) on the same engine, tested with InterFAX's official Python and Node clients.
