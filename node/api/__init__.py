"""The JSON API under ``/api/v1``: one blueprint per area, thin routes over ``node.services``."""

from __future__ import annotations

from quart import Quart


def register_api(app: Quart) -> None:
    from node.api import (
        actions,
        associations,
        blocks,
        call_follows,
        call_respondents,
        calls,
        charter,
        chat,
        committee,
        committee_meetings,
        committee_proposals,
        decisions,
        encounters,
        federation_admin,
        feed,
        guide_data,
        guide_sms,
        house_rules,
        invitations,
        log_in,
        meta,
        moderation,
        my_account,
        my_actions,
        network,
        notifications,
        operations,
        participations,
        partnerships,
        phone_vouch,
        places,
        recovery,
        reports,
        rounds,
        sign_up,
        visits,
    )

    for module in (
        meta,
        sign_up,
        log_in,
        my_account,
        recovery,
        charter,
        house_rules,
        associations,
        calls,
        call_respondents,
        call_follows,
        places,
        invitations,
        phone_vouch,
        feed,
        actions,
        participations,
        chat,
        rounds,
        encounters,
        visits,
        partnerships,
        federation_admin,
        committee,
        committee_proposals,
        committee_meetings,
        decisions,
        network,
        notifications,
        my_actions,
        reports,
        blocks,
        moderation,
        operations,
        guide_sms,
        guide_data,
    ):
        app.register_blueprint(module.blueprint)
    app.register_blueprint(my_actions.feeds)
    app.register_blueprint(federation_admin.published)
    operations.install_request_hooks(app)
