Fax by e-mail through an SMTP gateway, and fax results by mail and HTTP callback.
