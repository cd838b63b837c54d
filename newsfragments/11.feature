The account web under /web/ (Japanese and English): sent and received faxes with search, page images, resend, cancel and hide, streamed CSV/XML export, and the user's settings.
