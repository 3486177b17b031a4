FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# gunicorn.conf.py listens on 127.0.0.1 unless told otherwise; in a container the
# published port arrives on the container's own network interface.
ENV GUNICORN_BIND=0.0.0.0:8000

WORKDIR /app
# Exact releases, each checked against its hash (requirements.txt, compiled from
# pyproject.toml). The code is not installed: it runs from /app, where manage.py and
# gunicorn find its packages.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt
COPY . .

# collectstatic needs settings but no database or secret key.
RUN python manage.py collectstatic --noinput
# The interface in the other five UN languages, compiled from locale/*.po; gettext is needed for
# that alone, so it leaves the image again.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && python manage.py compilemessages --ignore=node_modules \
    && apt-get purge -y --auto-remove gettext && rm -rf /var/lib/apt/lists/*

# The code stays root's and read-only to the site. The user's own home takes the files
# gunicorn writes at run time (its control socket); /app/media the uploaded documents
# (docker-compose.yml mounts a volume there, which starts with this owner).
RUN useradd --system --create-home --home-dir /home/catalogue catalogue \
    && mkdir -p /app/media && chown catalogue /app/media
USER catalogue
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "igf_catalogue.wsgi"]
