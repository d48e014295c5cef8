"""The node's federation core (issue 4, part A): endpoints, inbox pipeline, durable delivery.

Notes for part B (contract as built, deviations from the brief):

* ``RemoteActor.document`` holds the raw actor JSON (Tortoise reserves the name ``raw``).
* Every local actor (instance, association, member) publishes the node's instance RSA key under
  its own key id ``<actor>#main-key``: deliveries are signed with the key id of the activity's
  ``actor``, so remote servers see "the actor owns the key" (Mastodon requires it).
* Association and member actors are served when ``node.fed.actors.association_is_federated``
  / ``member_is_federated`` say so; extend those two for cross-node members.
* ``node.fed.serializers.action_object(node, action)`` (yours) is imported lazily by the
  ``/actions/<id>`` content negotiation.

Layout: ``iris`` (IRIs), ``identity`` (instance key), ``client`` (signing client), ``remote``
(remote actors, resolution, key resolver), ``registry`` (the inbox dispatch table) and
``handlers`` (one function per activity, calling services only), ``inbox`` (the receive
pipeline), ``outbox`` (publish), ``delivery`` (sending), ``actors`` (local actor documents),
``routes`` (Quart blueprint). Blocks and the allowlist are a service
(:mod:`node.services.federation_policy`), like delivery administration
(:mod:`node.services.deliveries`).
"""
