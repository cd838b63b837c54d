dfs.asmx with InterFAX's exact .asmx wire format (SOAP 1.1/1.2, HTTP GET/POST, generated WSDL), users, accounts and a store on SQLite or PostgreSQL.
