Sendfax, SendfaxEx_2 with batches, FaxQuery, GetFaxImage and CancelFax.
