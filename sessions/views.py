from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("to do")


home = session_list = session_detail = venue_list = venue_detail = year_list = year_detail = _todo
