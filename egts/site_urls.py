from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("la-demarche/", views.demarche, name="demarche"),
    path("territoires/", views.territory_list, name="territory-list"),
    path("territoires/<slug:slug>/", views.territory_detail, name="territory-detail"),
    path("territoires/<slug:slug>/modifier/", views.territory_edit, name="territory-edit"),
    path("charte-de-participation/", views.participation_charter, name="participation-charter"),
    path("mentions-legales/", views.legal_notice, name="footer-legal-notice"),
    path("accessibilite/", views.accessibility, name="footer-accessibility-status"),
    path("donnees-personnelles/", views.personal_data, name="footer-personal-data"),
    path("gestion-des-cookies/", views.cookies, name="footer-cookie-management"),
    path("plan-du-site/", views.sitemap, name="footer-sitemap"),
    path("synthese-nationale/", include("assises.public_urls")),
]
