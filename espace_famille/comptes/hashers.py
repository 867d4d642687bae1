"""The password hasher: argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane) instead of Django's default
(100 MiB, 2 passes, 8 lanes).

Django's default takes 8 threads and about 0.7 s of CPU per login on a loaded 2-core server: a thousand parents
logging in before a booking opening (bench/rush.py) then queue for minutes. OWASP's minimum is ten times cheaper
and still memory-hard. Hashes of the old cost still verify (the parameters are in each hash) and are rewritten at
the parent's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortailArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
