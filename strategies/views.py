from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("to do")


strategy_list = strategy_detail = _todo
