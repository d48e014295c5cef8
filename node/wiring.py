"""Building a node: its state, and who listens to what its services announce.

Every entry point builds its node here (``create_app``, ``entraide worker``, the CLI, tests), so
a node's listeners are decided in one place:

* federation (:mod:`node.fed.listeners`): events become outbox activities and delivery rows
  for partners, followers and the participants on other nodes;
* notifications for people (:mod:`node.notify.listeners`): events become notification rows,
  sent by the worker in-app, by Web Push, SMS and digest mail.

Callers that must not federate say so: ``build_node(settings, federate=False)`` (demo data,
CLI commands that seed or repair rows). Their services are the same; nothing leaves the node.
"""

from __future__ import annotations

from node.db import Database
from node.fed import listeners as federation_listeners
from node.messaging import mail_backend, sms_backend
from node.notify import listeners as notification_listeners
from node.passwords import Passwords
from node.services.committee import executors as committee_executors
from node.settings import Settings
from node.state import NodeState


def build_node(settings: Settings, *, federate: bool = True, notify: bool = True) -> NodeState:
    """A node for ``settings`` (its database not opened yet: ``await node.db.open()``).

    ``notify=False``: nobody is told (demo seeding writes no notifications)."""
    node = NodeState(
        settings=settings,
        db=Database(settings),
        sms=sms_backend(settings.sms_backend),
        mail=mail_backend(settings.mail_backend, settings.mail_from),
        secret=settings.secret(),
        passwords=Passwords(
            time_cost=settings.password_time_cost,
            memory_kib=settings.password_memory_kib,
            parallelism=settings.password_parallelism,
        ),
    )
    committee_executors.register(node.committee_executors)
    if federate:
        federation_listeners.register(node.events)
    if notify:
        notification_listeners.register(node.events)
    return node
