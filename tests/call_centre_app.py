"""The Call centre view on its own, for tests and the bulk benchmark: what app_pages/call_centre.py draws."""

from components.call_centre import show_call_centre
from components.resources import locator_or_stop
from web.audit import StaffMember

show_call_centre(locator_or_stop(), StaffMember("desk-test@clinic.example", "test"))
