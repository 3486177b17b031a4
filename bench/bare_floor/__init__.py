"""The bare floor: a Django project as `django-admin startproject` makes it, serving one
pre-rendered page, to measure what the site's own middleware and settings cost.

`bench/run` serves it under gunicorn with the site's gunicorn.conf.py, beside the site,
and compares each page with it as well as with the site's own floor (bench/urls.py).
"""
