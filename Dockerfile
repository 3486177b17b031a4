FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY igf_catalogue ./igf_catalogue
COPY sessions ./sessions
COPY strategies ./strategies
RUN pip install .
COPY . .

# collectstatic needs settings but no database or secret key.
RUN python manage.py collectstatic --noinput
# The Spanish and French interface, compiled from locale/*.po; gettext is needed for
# that alone, so it leaves the image again.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && python manage.py compilemessages --ignore=node_modules \
    && apt-get purge -y --auto-remove gettext && rm -rf /var/lib/apt/lists/*

RUN useradd --system --home /app catalogue
USER catalogue
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "igf_catalogue.wsgi"]
