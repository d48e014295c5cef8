"""The street committee: rules and seats, gated changes, proposals, votes, meetings, decisions.

- :mod:`.rules` — the committee's row, its gates and the tally arithmetic;
- :mod:`.changes` — every gated change as a typed payload with its readable before/after;
- :mod:`.gates` — what a gated service calls first (:func:`.gates.require`);
- :mod:`.proposals`, :mod:`.votes`, :mod:`.closing` — proposing, voting, closing, executing;
- :mod:`.seats`, :mod:`.links`, :mod:`.meetings`, :mod:`.decisions` — members, SMS vote links,
  meeting minutes, the public record;
- :mod:`.reminders`, :mod:`.opinions` — what members are texted, partner committees' opinions.
"""
