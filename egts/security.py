"""Response headers Django does not set itself, and the safety net for rate-limited views."""

# The platform uses no camera, microphone, location, payment or USB: deny them to every origin.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RateLimitedMiddleware:
    """A view that lets ``egts.ratelimit.RateLimited`` escape gets the DSFR 429 page.

    Forms that keep the visitor's input catch RateLimited themselves and re-render;
    this is the safety net for every other view, with the Retry-After the limit gives.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from egts.ratelimit import RateLimited
        from egts.views import too_many_requests

        if not isinstance(exception, RateLimited):
            return None
        response = too_many_requests(request, exception)
        response["Retry-After"] = str(exception.retry_after)
        return response
