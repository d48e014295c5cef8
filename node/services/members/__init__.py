"""Members: sign-up, phone and email verification, log-in, profile changes, deletion.

Only a phone number, an email address and an optional pseudonym are stored (DESIGN §5).

* :mod:`.sign_up`: signing up without telling who already has an account;
* :mod:`.phone_codes` and :mod:`.email_links`: proving the number and the address;
* :mod:`.log_in`: the password log-in (bearer tokens and web sessions);
* :mod:`.accounts`: accounts made by an operator, profile changes, deletion;
* :mod:`.outgoing`: texting and mailing a member.
"""

from node.services.members.accounts import (
    check_password,
    create_member,
    delete_member,
    erase_member,
    member_by_phone,
    normalise_email,
    update_profile,
)
from node.services.members.email_links import (
    EMAIL_LIFETIME,
    email_link,
    email_text,
    email_token,
    send_email_link,
    verify_email,
)
from node.services.members.log_in import authenticate, log_in
from node.services.members.outgoing import DELIVERY_ERRORS, send_text
from node.services.members.phone_codes import (
    SIGN_UP_LIFETIME,
    resend_phone_code,
    send_phone_code,
    verify_phone,
)
from node.services.members.sign_up import SignUp, purge_unverified_sign_ups, sign_up
from node.services.phone import normalise_phone

__all__ = [
    "DELIVERY_ERRORS",
    "EMAIL_LIFETIME",
    "SIGN_UP_LIFETIME",
    "SignUp",
    "authenticate",
    "check_password",
    "create_member",
    "delete_member",
    "email_link",
    "email_text",
    "email_token",
    "erase_member",
    "log_in",
    "member_by_phone",
    "normalise_email",
    "normalise_phone",
    "purge_unverified_sign_ups",
    "resend_phone_code",
    "send_email_link",
    "send_phone_code",
    "send_text",
    "sign_up",
    "update_profile",
    "verify_email",
    "verify_phone",
]
