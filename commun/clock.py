"""The portal's time zone: the municipality's days and hours are those of Paris."""

from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
