"""Admin accounts as a public body must secure them (issue #22).

- `throttling.py`: failed logins are counted per account and per client address by
  django-axes; a lock-out answers with the time to try again; administrators lift it.
- `two_factor.py`: who needs a second factor, TOTP enrolment, recovery codes, verification
  (django-otp); `middleware.TwoFactorMiddleware` enforces it in the Wagtail admin.
- `middleware.py`: staff sessions end after an idle time; the admin gets its own CSP.
- `audit.py` + `models.SecurityEvent`: logins, failures, lock-outs and 2FA changes, listed
  for administrators, never with a password or a code; `retention.py` purges old records.
- `checks.py`: warns when registrations are installed without throttling or 2FA.

Libraries: django-axes 8 (Django 4.2/5.2/6.0, actively released) for throttling;
django-otp 1.7 (TOTP and static recovery-code devices, per-device throttling of wrong
codes) with this app's own middleware and views in the Wagtail admin idiom, because
wagtail-2fa has no recovery codes, decides by a group flag rather than by the
permissions that open personal data, and has no German catalogue; django-allauth's MFA
would replace Wagtail's login and account pages. segno draws the QR code as inline SVG.
"""
