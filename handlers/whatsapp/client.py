"""A small Graph API client on httpx: messages, templates, read receipts, two-hop media download.

The access token travels only in the Authorization header; errors carry Meta's code and title but
never a URL (media links are short-lived secrets), and the httpx loggers stay at WARNING.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

_PHONE = re.compile(r"\+?\d{5,20}")


class GraphError(Exception):
    """Meta answered with an error (or an unreadable answer)."""

    def __init__(
        self, status: int, code: int | None, title: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"graph {status} {code}: {title}")
        self.status, self.code, self.title, self.retry_after = status, code, title, retry_after


class GraphUnavailable(Exception):
    """Meta could not be reached (network error or timeout)."""


@dataclass(frozen=True)
class MediaInfo:
    """What `GET /<media id>` says about a file; `url` lives minutes and is never stored."""

    mime_type: str
    sha256: str | None
    file_size: int | None
    url: str = field(repr=False)


def address(chat_id: str) -> dict[str, str]:
    """Returns how to address a chat: `to` for a phone wa_id, `recipient` for a BSUID."""
    return {"to": chat_id} if _PHONE.fullmatch(chat_id) else {"recipient": chat_id}


class GraphClient:
    """Talks to `<base>/<phone_number_id>/messages` and `<base>/<media id>` with a bearer token."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        phone_number_id: str,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.messages_url = f"{self.base_url}/{phone_number_id}/messages"
        self._http = httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            headers={"Authorization": f"Bearer {token}"},
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._http.aclose()

    async def send(self, chat_id: str, content: dict[str, Any]) -> str:
        """Sends one message (text, interactive or template); returns its wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        data = await self._json("POST", self.messages_url, {**body, **address(chat_id), **content})
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise GraphError(200, None, "answer without a message id") from error

    async def send_text(self, chat_id: str, text: str) -> str:
        """Sends plain text (at most 4096 characters), links not previewed."""
        return await self.send(chat_id, text_content(text))

    async def send_template(self, chat_id: str, name: str, language: str) -> str:
        """Sends an approved template without variables."""
        template = {"name": name, "language": {"code": language}}
        return await self.send(chat_id, {"type": "template", "template": template})

    async def mark_read(self, message_id: str) -> None:
        """Marks a reporter's message read (blue ticks)."""
        body = {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        await self._json("POST", self.messages_url, body)

    async def media_info(self, media_id: str) -> MediaInfo:
        """Looks a media id up: its type, size, hash and short-lived download link."""
        data = await self._json("GET", f"{self.base_url}/{media_id}", None)
        url = data.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise GraphError(200, None, "media answer without a link")
        size = data.get("file_size")
        return MediaInfo(
            mime_type=str(data.get("mime_type") or "application/octet-stream"),
            sha256=data.get("sha256") if isinstance(data.get("sha256"), str) else None,
            file_size=int(size) if isinstance(size, int | str) and str(size).isdigit() else None,
            url=url,
        )

    async def download(self, info: MediaInfo, max_bytes: int) -> bytes | None:
        """Downloads a file with the bearer token; None when it is larger than `max_bytes`."""
        try:
            async with self._http.stream("GET", info.url) as response:
                if response.status_code != 200:
                    raise GraphError(response.status_code, None, "media download refused")
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return None
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as error:
            raise GraphUnavailable(type(error).__name__) from None

    async def _json(self, method: str, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        try:
            response = await self._http.request(method, url, json=body)
        except httpx.HTTPError as error:
            raise GraphUnavailable(type(error).__name__) from None
        data = json_object(response)
        if response.status_code >= 400 or "error" in data:
            raise _error(response, data)
        return data


def text_content(text: str) -> dict[str, Any]:
    """Returns the content of a text message."""
    return {"type": "text", "text": {"body": text, "preview_url": False}}


def json_object(response: httpx.Response) -> dict[str, Any]:
    """Returns a Graph API response's JSON object body, or an empty one when it holds none."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _error(response: httpx.Response, data: dict[str, Any]) -> GraphError:
    """Returns Meta's error with its code and title (no URL, no token)."""
    found = data.get("error")
    error: dict[str, Any] = found if isinstance(found, dict) else {}
    code = error.get("code")
    title = str(error.get("message") or response.reason_phrase or "error")[:200]
    retry_after = None
    header = response.headers.get("retry-after")
    if header and header.replace(".", "", 1).isdigit():
        retry_after = float(header)
    return GraphError(
        response.status_code, code if isinstance(code, int) else None, title, retry_after
    )
