Chunk upload, batches, resend, hide, FaxStatusEx/XML, FaxQuery2, error codes and file types.
