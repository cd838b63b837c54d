A crash-safe fax engine: rendering to G3 fax TIFF, a scheduler with retries and postponement, the virtual fax network, and scale-out workers on PostgreSQL.
