"""A unit of work: the repositories over one Session, inside one transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from interfax_soap.store.accounts import AccountRepository
from interfax_soap.store.cards import CardRepository
from interfax_soap.store.faxes import FaxRepository
from interfax_soap.store.inbound import InboundRepository
from interfax_soap.store.jobs import JobRepository
from interfax_soap.store.mail import MailRepository
from interfax_soap.store.rest import RestRepository
from interfax_soap.store.uploads import UploadRepository
from interfax_soap.store.websessions import WebSessionRepository

__all__ = ["UnitOfWork"]


class UnitOfWork:
    """Handed to the engine's ``*_txn`` functions; everything it does commits together."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.accounts = AccountRepository(session)
        self.cards = CardRepository(session)
        self.faxes = FaxRepository(session)
        self.jobs = JobRepository(session)
        self.uploads = UploadRepository(session)
        self.inbound = InboundRepository(session)
        self.mail = MailRepository(session)
        self.rest = RestRepository(session)  # the REST face's reads
        self.web_sessions = WebSessionRepository(session)
