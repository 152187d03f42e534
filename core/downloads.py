"""Handing a private file to a client who passed the view's access check.

One helper for every download view (evidence, remediation attachments, reports), four ways:

- local disk, no proxy (``make run``): the view streams the file (FileResponse);
- local disk behind nginx (PRIVATE_FILES_ACCEL_PREFIX set): ``X-Accel-Redirect`` to
  ``<prefix>files/<name>``, an ``internal`` nginx location over MEDIA_ROOT, so nginx sends the bytes
  and the gunicorn worker is free at once;
- a bucket behind nginx: ``X-Accel-Redirect`` to ``<prefix>s3/<scheme>/<host>/<path>?<signed query>``,
  an ``internal`` location that proxies the signed, short-lived URL: the client never talks to the
  bucket, and the page's Content-Security-Policy stays same-origin;
- a bucket without the proxy: a redirect to the signed, short-lived URL.

The bucket is never asked for a file the view did not just authorise, and no URL outlives
AWS_QUERYSTRING_EXPIRE seconds.
"""

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def private_file_response(
    file: FieldFile,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    cache_control: str = "private, no-store",
) -> HttpResponse:
    """The response that gives ``file`` to the client as ``filename`` (the access check is done).

    Raises Http404 when a streamed file is missing. ``cache_control`` applies to the file's bytes;
    a redirect to a signed URL is never cached.
    """
    backend = getattr(file.storage, "backend", file.storage)
    download_url = getattr(backend, "download_url", None)
    prefix = settings.PRIVATE_FILES_ACCEL_PREFIX
    disposition = content_disposition_header(as_attachment, filename)
    if download_url is not None:
        signed = download_url(
            file.name, filename=filename, content_type=content_type, as_attachment=as_attachment
        )
        if not prefix:
            response = HttpResponseRedirect(signed)
            response["Cache-Control"] = "no-store"
            return response
        parts = urlsplit(signed)
        target = f"{prefix}s3/{parts.scheme}/{parts.netloc}{parts.path}?{parts.query}"
        return _accel_response(target, content_type, disposition, cache_control)
    if prefix:
        return _accel_response(f"{prefix}files/{quote(file.name)}", content_type, disposition, cache_control)
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["Cache-Control"] = cache_control
    return response


def _accel_response(
    target: str, content_type: str, disposition: str | None, cache_control: str
) -> HttpResponse:
    # nginx keeps Content-Type, Content-Disposition and Cache-Control of this response and sends
    # the body of the internal location.
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = target
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = cache_control
    return response
