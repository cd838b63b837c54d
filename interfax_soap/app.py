"""Composition root: settings -> store -> engine -> wire. The only place that wires objects."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from interfax_soap.asmx.gateway import ReceiveGateway
from interfax_soap.asmx.resource import AsmxSite, ProxyPolicy, RootResource, ServiceResource
from interfax_soap.asmx.schema import ServiceSchema, build_schema
from interfax_soap.bootstrap import open_database, security_policy
from interfax_soap.config import Settings
from interfax_soap.engine.accounts import Accounts
from interfax_soap.engine.billing import Billing, BillingPolicy
from interfax_soap.engine.cardreports import CardReports
from interfax_soap.engine.documents import DocumentPolicy, DocumentSessions
from interfax_soap.engine.forwarding import Mailer, MailPolicy
from interfax_soap.engine.inbound import Inbound, InboundPolicy
from interfax_soap.engine.mailgateway import GatewayPolicy, MailGateway
from interfax_soap.engine.mailmerge import MailMerge
from interfax_soap.engine.notifications import callback_allowed
from interfax_soap.engine.management import FaxManagement
from interfax_soap.engine.outbound import Outbound, SubmitPolicy
from interfax_soap.engine.queries import FaxQueries
from interfax_soap.engine.rest_queries import RestQueries
from interfax_soap.engine.rest_send import RestSender
from interfax_soap.engine.scheduler import RetryPolicy
from interfax_soap.engine.search import FaxSearcher
from interfax_soap.engine.uploads import UploadPolicy, Uploads
from interfax_soap.engine.worker import Worker, WorkerPolicy
from interfax_soap.render.received import ReceivedImageConverter
from interfax_soap.render.threaded import ThreadedRenderer, supported_file_types
from interfax_soap.rest import RestAwareRequest, RestServices, build_rest_roots
from interfax_soap.soap.context import CallContext
from interfax_soap.soap.inbound import build_inbound_application
from interfax_soap.soap.outbound import SERVICE_DOC, build_application
from interfax_soap.store.blobs import BlobStore, make_blob_store
from interfax_soap.store.db import Database
from interfax_soap.transports.callback import CallbackSender
from interfax_soap.transports.fetch import UrlFetcher
from interfax_soap.transports.mail import RelaySettings, SmtpRelay
from interfax_soap.transports.virtual import DEFAULT_RULES, LocalDelivery, VirtualFaxNetwork

__all__ = [
    "outbound_schema",
    "inbound_schema",
    "Services",
    "build_services",
    "build_site",
    "open_database",
]

logger = logging.getLogger(__name__)


def outbound_schema() -> ServiceSchema:
    return build_schema(build_application(), "InterFax", SERVICE_DOC)


def inbound_schema() -> ServiceSchema:
    return build_schema(build_inbound_application(), "Inbound", "")


@dataclasses.dataclass
class Services:
    database: Database
    blobs: BlobStore
    accounts: Accounts
    outbound: Outbound
    queries: FaxQueries
    management: FaxManagement
    uploads: Uploads
    search: FaxSearcher
    inbound: Inbound
    worker: Worker | None
    mailer: Mailer | None
    mail_gateway: MailGateway
    rest: RestServices | None = None  # the REST face's engine parts (issue 12)
    billing: Billing | None = None  # prices, prepaid cards (issue 7)
    cards: CardReports | None = None
    mail_merge: MailMerge | None = None


def build_renderer(settings: Settings, reactor: Any) -> ThreadedRenderer:
    """The render pool (child processes with limits), closed with the reactor."""
    limits = settings.limits
    renderer = ThreadedRenderer(
        reactor,
        workers=limits.render_workers,
        timeout_seconds=limits.render_timeout_seconds,
        memory_mb=limits.render_memory_mb,
    )
    reactor.addSystemEventTrigger("during", "shutdown", renderer.close)
    return renderer


def build_inbound(
    settings: Settings, reactor: Any, database: Database, blobs: BlobStore, accounts: Accounts,
    renderer: ThreadedRenderer, mailer: Mailer | None,
) -> Inbound:
    return Inbound(
        database, blobs, accounts, reactor, ReceivedImageConverter(reactor, renderer),
        InboundPolicy(
            default_country=settings.numbers.default_country,
            max_chunk_bytes=int(settings.limits.max_chunk_mb * 1024 * 1024),
        ),
        wake_mailer=mailer.wake if mailer else lambda: None,
    )


def build_mailer(settings: Settings, reactor: Any, database: Database, blobs: BlobStore) -> Mailer:
    """Deliveries of mail (forwarded faxes) through ``[smtp_relay]``."""
    relay = settings.smtp_relay
    transport = SmtpRelay(
        reactor,
        RelaySettings(
            host=relay.host, port=relay.port, security=relay.security,
            username=relay.username, password=relay.password,
            from_address=relay.from_address, timeout_seconds=relay.timeout_seconds,
        ),
    )
    allow_private = settings.security.allow_private_callbacks
    callbacks = CallbackSender(reactor, lambda url: callback_allowed(url, allow_private))
    mailer = Mailer(
        database, blobs, transport, reactor,
        MailPolicy(
            poll_seconds=settings.worker.poll_seconds,
            retry_seconds=relay.retry_seconds,
            give_up_hours=relay.give_up_hours,
            default_timezone=settings.server.default_timezone,
        ),
        callbacks=callbacks,
    )
    reactor.addSystemEventTrigger("before", "shutdown", mailer.stop)
    return mailer


def build_billing(settings: Settings, reactor: Any, database: Database) -> Billing:
    """Prices per Unit and prepaid cards, from ``[billing]``."""
    billing = settings.billing
    policy = BillingPolicy.from_texts(
        billing.prices, billing.default_price, billing.currency, billing.date_format
    )
    return Billing(database, reactor, policy)


def build_worker(
    settings: Settings, reactor: Any, database: Database, blobs: BlobStore,
    renderer: ThreadedRenderer, inbound: Inbound, billing: Billing | None = None,
) -> Worker:
    """The fax worker and its transport: the virtual network, which hands faxes for numbers
    owned here to the inbound service."""
    limits = settings.limits
    network = settings.virtual_network
    transport = VirtualFaxNetwork(
        reactor, network.time_scale, network.csid, {**DEFAULT_RULES, **network.rules},
        local_numbers=LocalDelivery(inbound.is_local_number, inbound.receive),
    )
    policy = WorkerPolicy(
        concurrency=settings.worker.concurrency,
        poll_seconds=settings.worker.poll_seconds,
        lease_seconds=settings.worker.lease_seconds,
        retry=RetryPolicy(network.busy_retry_seconds, network.retry_seconds, network.time_scale),
        max_pages=limits.max_pages,
        outbound_retention_days=limits.outbound_retention_days,
        # SQLite serves one worker process: claims left by a dead one can be taken at once.
        release_claims_on_start=database.is_sqlite,
        default_timezone=settings.server.default_timezone,  # page header dates
    )
    worker = Worker(database, blobs, renderer, transport, reactor, policy, billing=billing)
    reactor.addSystemEventTrigger("before", "shutdown", worker.stop)
    return worker


def build_services(
    settings: Settings, reactor: Any, database: Database, with_worker: bool = True
) -> Services:
    blobs = make_blob_store(settings.server.blob_store, settings.data_path, database.sessions)
    accounts = Accounts(database, reactor, security_policy(settings))
    renderer = build_renderer(settings, reactor)
    mailer = build_mailer(settings, reactor, database, blobs) if with_worker else None
    inbound = build_inbound(settings, reactor, database, blobs, accounts, renderer, mailer)
    billing = build_billing(settings, reactor, database)
    worker = (
        build_worker(settings, reactor, database, blobs, renderer, inbound, billing)
        if with_worker
        else None
    )
    wake_worker = worker.wake if worker else lambda: None
    limits = settings.limits
    uploads = Uploads(
        database, blobs, accounts, reactor,
        UploadPolicy(
            chunk_bytes=int(limits.upload_chunk_mb * 1024 * 1024),
            total_bytes=int(limits.upload_total_mb * 1024 * 1024),
            idle_hours=limits.upload_session_hours,
        ),
    )
    outbound = Outbound(
        database,
        blobs,
        accounts,
        reactor,
        SubmitPolicy(
            default_country=settings.numbers.default_country,
            supported_file_types=supported_file_types(),
        ),
        uploads=uploads,
        wake_worker=wake_worker,
    )
    queries = FaxQueries(database, blobs, accounts)
    management = FaxManagement(
        database, accounts, reactor, settings.numbers.default_country, wake_worker=wake_worker
    )
    search = FaxSearcher(database, accounts, reactor)
    mail_gateway = build_mail_gateway(settings, reactor, database, blobs, accounts, outbound)
    rest = build_rest_services(
        settings, reactor, database, blobs, accounts, outbound, queries, management, search, inbound
    )
    return Services(
        database=database, blobs=blobs, accounts=accounts, outbound=outbound, queries=queries,
        management=management, uploads=uploads, search=search, inbound=inbound, worker=worker,
        mailer=mailer, mail_gateway=mail_gateway,
        rest=rest,
        billing=billing,
        cards=CardReports(database, accounts, billing),
        mail_merge=build_mail_merge(settings, reactor, accounts, outbound),
    )


def build_mail_merge(
    settings: Settings, reactor: Any, accounts: Accounts, outbound: Outbound
) -> MailMerge:
    """SendWordMailMerge; the merge itself (CSV/XLSX, DOCX) runs in the reactor's threads."""
    from twisted.internet import threads

    def run_blocking(function: Any, *args: Any) -> Any:
        return threads.deferToThreadPool(reactor, reactor.getThreadPool(), function, *args)

    return MailMerge(outbound, accounts, run_blocking, settings.numbers.default_country)


def build_rest_services(
    settings: Settings, reactor: Any, database: Database, blobs: BlobStore, accounts: Accounts,
    outbound: Outbound, queries: FaxQueries, management: FaxManagement, search: FaxSearcher,
    inbound: Inbound,
) -> RestServices:
    """The REST face's engine: SOAP's entry points, plus document sessions, the REST reads and
    a sender that fetches web URLs when ``[rest] fetch_urls`` allows it."""
    mib = 1024 * 1024
    limits = settings.limits
    documents = DocumentSessions(
        database, blobs, reactor,
        DocumentPolicy(
            # Every official client uploads 1 MiB chunks (REST-FACTS 5.2).
            chunk_bytes=max(int(limits.upload_chunk_mb * mib), mib),
            total_bytes=int(limits.upload_total_mb * mib),
            supported_file_types=supported_file_types(),
        ),
    )
    fetch = None
    if settings.rest.fetch_urls:
        allow_private = settings.rest.fetch_private_urls
        fetch = UrlFetcher(
            reactor, lambda url: callback_allowed(url, allow_private),
            settings.rest.fetch_timeout_seconds, int(limits.upload_total_mb * mib),
        )
    return RestServices(
        accounts=accounts, outbound=outbound, queries=queries, management=management,
        search=search, inbound=inbound, rest_queries=RestQueries(database, reactor),
        documents=documents,
        sender=RestSender(outbound, documents, fetch),
        default_country=settings.numbers.default_country,
        max_image_chunk=int(limits.max_chunk_mb * mib),
    )


def build_mail_gateway(
    settings: Settings, reactor: Any, database: Database, blobs: BlobStore, accounts: Accounts,
    outbound: Outbound,
) -> MailGateway:
    gateway = settings.mail_gateway
    policy = GatewayPolicy(
        fax_domain=gateway.fax_domain,
        max_recipients=gateway.max_recipients,
        max_bytes=int(gateway.max_message_mb * 1024 * 1024),
        client_networks=gateway.client_networks,
        poll_seconds=settings.worker.poll_seconds,
    )
    mail_gateway = MailGateway(database, blobs, accounts, outbound, reactor, policy)
    reactor.addSystemEventTrigger("before", "shutdown", mail_gateway.stop)
    return mail_gateway


def listen_mail_gateway(settings: Settings, reactor: Any, mail_gateway: MailGateway) -> list[str]:
    """Starts the SMTP listeners; returns their addresses (``smtp://host:port``)."""
    from twisted.internet import ssl

    from interfax_soap.mail.gateway import GatewayFactory

    gateway = settings.mail_gateway
    host = gateway.host or settings.server.host
    context = None
    if gateway.certificate:
        context = ssl.DefaultOpenSSLContextFactory(gateway.private_key, gateway.certificate)
    listening = []
    factory = GatewayFactory(mail_gateway, context, gateway.require_auth)
    port = reactor.listenTCP(gateway.port, factory, interface=host)
    listening.append(f"smtp://{host}:{port.getHost().port}")
    if gateway.tls_port >= 0 and context is not None:
        tls = reactor.listenSSL(gateway.tls_port, factory, context, interface=host)
        listening.append(f"smtps://{host}:{tls.getHost().port}")
    return listening


def build_web_resource(settings: Settings, services: Services, proxies: ProxyPolicy) -> Any:
    """The account web under ``/web/``: its engine parts over the same store and rules."""
    from twisted.internet import reactor

    from interfax_soap.engine.webreceived import WebReceived
    from interfax_soap.engine.websent import WebFaxes
    from interfax_soap.engine.websessions import SessionPolicy, WebSessions
    from interfax_soap.engine.websettings import WebSettings
    from interfax_soap.render.preview import FaxPreviews
    from interfax_soap.web import WebResource, WebServices

    database, blobs, previews = services.database, services.blobs, FaxPreviews(reactor)
    wake_worker = services.worker.wake if services.worker else lambda: None
    return WebResource(
        WebServices(
            sessions=WebSessions(database, services.accounts, reactor, SessionPolicy()),
            faxes=WebFaxes(database, blobs, previews, reactor,
                           settings.numbers.default_country, wake_worker),
            received=WebReceived(database, blobs, services.inbound, previews),
            settings=WebSettings(database),
        ),
        proxies,
    )


def build_site(settings: Settings, services: Services) -> AsmxSite:
    proxies = ProxyPolicy(settings.server.trusted_proxies)

    def context(address: str) -> CallContext:
        return CallContext(
            address=address,
            outbound=services.outbound,
            queries=services.queries,
            management=services.management,
            uploads=services.uploads,
            search=services.search,
            inbound=services.inbound,
            cards=services.cards,
            mail_merge=services.mail_merge,
        )

    http_get = settings.server.http_get_binding
    others: dict[str, Any] = {"inbound": ReceiveGateway(services.inbound, proxies)}
    if services.rest is not None:  # the REST face: /outbound, /inbound (receive kept), /accounts
        others.update(build_rest_roots(services.rest, proxies, others))
    others["web"] = build_web_resource(settings, services, proxies)  # the account web (issue 11)
    root = RootResource(
        {
            "dfs.asmx": ServiceResource(outbound_schema(), context, proxies, http_get),
            "inbound.asmx": ServiceResource(inbound_schema(), context, proxies, http_get),
        },
        others,
    )
    site = AsmxSite(root, max_body_bytes=int(settings.limits.max_request_mb * 1024 * 1024))
    site.requestFactory = RestAwareRequest  # REST bodies are never form-decoded
    return site
