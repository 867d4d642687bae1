# The portal's image: the app servers (gunicorn) and the task worker (qcluster) run it. See deploy/compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/static_collected

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic reads no database: placeholders satisfy the production settings' checks at build time only.
RUN SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build REDIS_URL=redis://build:6379/0 \
    EMAIL_URL=console:// python manage.py collectstatic --noinput \
 && useradd --system --home /app portail
USER portail
EXPOSE 8000
CMD ["gunicorn", "cms.wsgi", "--workers", "3", "--bind", "0.0.0.0:8000"]
