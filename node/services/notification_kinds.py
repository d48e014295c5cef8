"""The kinds of notification, their default channels and their short texts (French, English).

Adding a kind is one line in :data:`KINDS`. Texts are ``str.format`` templates over the
notification's payload: ``{actor}`` (a pseudonym, never a phone or an email), ``{title}`` (the
action's title). They are short on purpose: the same text is the SMS, the push message and a
line of the digest mail.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("email", "push", "sms")


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    fr: str
    en: str
    # Default channels; the member's preferences override them. SMS is opt-in for almost
    # every kind (it costs money, and not everyone wants texts).
    email: bool = True
    push: bool = True
    sms: bool = False
    # Sent at once even during quiet hours (a coordinator's urgent message).
    urgent: bool = False

    def text(self, language: str, payload: dict[str, str]) -> str:
        template = self.fr if language == "fr" else self.en
        # ``rule_fr``/``rule_en``: the house rule a moderator cited, when there is one.
        values = {"actor": "", "title": "", "rule_fr": "", "rule_en": "", **payload}
        return template.format_map(values)

    def default(self, channel: str) -> bool:
        return bool(getattr(self, channel))


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "join_asked",
            "{actor} demande à participer à « {title} ».",
            "{actor} asks to join “{title}”.",
        ),
        Kind(
            "join_accepted",
            "Votre participation à « {title} » est acceptée.",
            "You are in: “{title}”.",
        ),
        Kind(
            "join_declined",
            "Votre demande pour « {title} » n'a pas été retenue.",
            "Your request for “{title}” was declined.",
        ),
        Kind(
            "message_posted",
            "Nouveau message de {actor} dans « {title} ».",
            "New message from {actor} in “{title}”.",
        ),
        Kind("outing_changed", "La sortie « {title} » a changé.", "The outing “{title}” changed."),
        Kind(
            "outing_cancelled",
            "La sortie « {title} » est annulée.",
            "The outing “{title}” is cancelled.",
        ),
        Kind(
            "outing_reminder",
            "Rappel : la sortie « {title} » a lieu demain.",
            "Reminder: the outing “{title}” is tomorrow.",
        ),
        Kind(
            "partnership_requested",
            "Le nœud {actor} demande un partenariat.",
            "The node {actor} asks for a partnership.",
        ),
        Kind(
            "association_awaiting",
            "L'association « {title} » attend votre validation.",
            "The association “{title}” is waiting for approval.",
        ),
        # The street committee. The vote links themselves go by SMS (one-time codes, see
        # node.services.committee.links); these tell in the app, by push and in the digest.
        Kind(
            "committee_vote_opened",
            "Comité de la rue : un vote est ouvert, « {title} ».",
            "Street committee: a vote is open, “{title}”.",
        ),
        Kind(
            "committee_vote_reminder",
            "Comité de la rue : le vote « {title} » finit demain. Vous n'avez pas encore voté.",
            "Street committee: the vote “{title}” ends tomorrow. You have not voted yet.",
        ),
        Kind(
            "committee_result",
            "Comité de la rue : résultat du vote « {title} » : {result_fr}.",
            "Street committee: result of the vote “{title}”: {result_en}.",
        ),
        # A facilitator took the role to keep votes alive: the warning is also a text.
        Kind(
            "committee_quorum_at_risk",
            "Comité de la rue : « {title} » finit demain avec {turnout} vote(s) "
            "sur {quorum} nécessaires.",
            "Street committee: “{title}” ends tomorrow with {turnout} of the {quorum} "
            "votes needed.",
            sms=True,
        ),
        # Calls for help. {actor} is the association's name.
        Kind(
            "call_nearby",
            "Appel près de chez vous, {actor} : « {title} ».",
            "A call near you from {actor}: “{title}”.",
        ),
        Kind(
            "call_followed",
            "Nouvel appel de {actor} : « {title} ».",
            "New call from {actor}: “{title}”.",
        ),
        Kind(
            "call_urgent",
            "Alerte dans votre quartier : « {title} ».",
            "Alert in your area: “{title}”.",
            urgent=True,
        ),
        Kind(
            "call_changed",
            "L'appel « {title} » a changé : regardez les détails.",
            "The call “{title}” changed: check the details.",
        ),
        Kind(
            "call_cancelled",
            "L'appel « {title} » est annulé. Merci quand même !",
            "The call “{title}” is cancelled. Thank you all the same!",
        ),
        # Words between a call's association and its respondents (read on the call's page).
        Kind(
            "call_message",
            "{actor} vous écrit à propos de « {title} » : {message}",
            "{actor} writes to you about “{title}”: {message}",
        ),
        Kind(
            "call_reply",
            "{actor} répond à votre appel « {title} ».",
            "{actor} answers your call “{title}”.",
        ),
        # A partner's call did not count an answer; {reason_fr}/{reason_en} say why.
        Kind(
            "call_answer_refused",
            "Votre réponse à « {title} » n'a pas été comptée : {reason_fr}",
            "Your answer to “{title}” was not counted: {reason_en}",
        ),
        Kind(
            "call_thanks",
            "{actor} vous remercie pour « {title} » : {message}",
            "{actor} thanks you for “{title}”: {message}",
        ),
        # Moderation. Someone in danger cannot wait for a digest or the end of quiet hours.
        Kind(
            "report_danger",
            "Signalement urgent : quelqu'un est en danger. Voyez la file de modération.",
            "Urgent report: someone is in danger. See the moderation queue.",
            sms=True,
            urgent=True,
        ),
        Kind(
            "report_received",
            "Nouveau signalement ({category}) dans la file de modération.",
            "New report ({category}) in the moderation queue.",
        ),
        Kind(
            "report_outcome",
            "Votre signalement est traité : {result_fr}{rule_fr}",
            "Your report was handled: {result_en}{rule_en}",
        ),
        Kind(
            "moderation_notice",
            "Message de la modération : {reason}{rule_fr}",
            "From the moderators: {reason}{rule_en}",
            sms=True,
        ),
        # The solidarity guide: a member's suggested change to a place. {title}: the place.
        Kind(
            "place_suggested",
            "{actor} propose une modification pour « {title} ».",
            "{actor} suggests a change to “{title}”.",
        ),
        Kind(
            "place_suggestion_accepted",
            "Votre suggestion pour « {title} » est acceptée, merci !",
            "Your suggestion for “{title}” was accepted, thank you!",
        ),
        Kind(
            "place_suggestion_refused",
            "Votre suggestion pour « {title} » n'est pas retenue. {reason}",
            "Your suggestion for “{title}” was not taken. {reason}",
        ),
        Kind(
            "partner_failing",
            "Le partenaire {actor} ne répond plus.",
            "The partner {actor} no longer answers.",
        ),
    )
}


def kind(name: str) -> Kind:
    """The kind called ``name`` (a KeyError for an unknown one: a programming error)."""
    return KINDS[name]
