from django.conf import settings
from django.utils.translation import gettext_lazy as _

_ACCESSIBILITY_LABELS = {"NOT": _("non"), "PART": _("partiellement"), "FULL": _("totalement")}


class SiteConfig:
    """What django-dsfr's header and footer read as SITE_CONFIG, from settings.

    django-dsfr's own context processor reads a DsfrConfig row on every request;
    this one costs no query, so cached public pages stay query-free.
    """

    def __init__(self, values: dict):
        self.site_title = values["site_title"]
        self.site_tagline = values["site_tagline"]
        self.accessibility_status = values["accessibility_status"]
        self.footer_description = values["footer_description"]
        self.header_brand_html = "république<br>française"
        self.footer_brand_html = "république<br>française"
        self.footer_brand = "république française"
        self.beta_tag = False
        self.mourning = False
        self.notice_title = ""
        self.notice_description = ""

    def get_accessibility_status_display(self):
        return _ACCESSIBILITY_LABELS[self.accessibility_status]


_SITE_CONFIG = SiteConfig(settings.EGTS_SITE)


def site(request):
    return {"SITE_CONFIG": _SITE_CONFIG}
