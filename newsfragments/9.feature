inbound.asmx: receiving faxes (virtual network, receive command, HTTP gateway), listing, downloading and forwarding by e-mail.
