"""Admin of the planning (Wagtail), one module per concern: the registers of reference data and enrolments
(activities), the queue of booking and absence requests and their decisions (requests, bulk), the day sheet."""
