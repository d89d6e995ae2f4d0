"""Admin accounts as a public body must secure them (issue #22).

- `throttling.py`: failed logins are counted per account and per client address by
  django-axes; a lock-out answers with the time to try again; administrators lift it.
- `two_factor.py`: who needs a second factor, TOTP enrolment, recovery codes, verification
  (django-otp); `middleware.TwoFactorMiddleware` enforces it in the Wagtail admin.
- `middleware.py`: staff sessions end after an idle time; the admin gets its own CSP.
- `audit.py` + `models.SecurityEvent`: logins, failures, lock-outs and 2FA changes, listed
  for administrators, never with a password or a code; `retention.py` purges old records.
- `checks.py`: warns when registrations are installed without throttling or 2FA.
"""
