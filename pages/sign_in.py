"""The sign-in page at its own address (`/sign-in`); the same form stands at every other page's
address while signed out (app.py), see pages/sign_in_form.py."""

from pages.sign_in_form import sign_in_form

sign_in_form()
