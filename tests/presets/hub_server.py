"""A small Hugging Face Hub look-alike on 127.0.0.1, for offline tests.

It serves the endpoints `huggingface_hub` 2.x calls for `create_repo`,
`upload_folder` (YAML check, preupload, then a commit carrying every file
inline: the "regular" upload mode, no LFS or Xet), `repo_info` / revision
resolution, `list_repo_tree`, and file downloads from
`/{repo}/resolve/{revision}/{path}` with the `ETag`, `X-Repo-Commit` and
`Content-Length` headers the client checks. Errors carry the `X-Error-Code`
header the client maps to `RepositoryNotFoundError`,
`RevisionNotFoundError` and `RemoteEntryNotFoundError`.

Usage:

```python
hub = FakeHub().start()           # hub.url == "http://127.0.0.1:<port>"
os.environ["HF_ENDPOINT"] = hub.url
...
hub.stop()
```

`hub.requests` logs every `(method, path)` served, so tests can assert that
offline loads made no request at all.
"""

import base64
import datetime
import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_REPO = r"(?P<repo>[^/]+/[^/]+)"
_GITATTRIBUTES = b"*.h5 filter=lfs diff=lfs merge=lfs -text\n"


def blob_oid(data):
    """The git blob SHA-1 of `data`, as the Hub reports file oids."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class HubRepo:
    """A model repository: commits (`oid -> files`) and branches."""

    def __init__(self, repo_id):
        self.repo_id = repo_id
        self.commits = {}
        self.order = []
        self.branches = {}
        self.commit("main", {".gitattributes": _GITATTRIBUTES}, "initial")

    def commit(self, branch, files, summary):
        parent = self.branches.get(branch)
        seed = f"{self.repo_id}|{parent}|{summary}|{len(self.order)}|"
        seed += "|".join(f"{p}:{blob_oid(d)}" for p, d in sorted(files.items()))
        oid = hashlib.sha1(seed.encode()).hexdigest()
        self.commits[oid] = dict(files)
        self.order.append(oid)
        self.branches[branch] = oid
        return oid

    def resolve(self, revision):
        if revision in self.branches:
            return self.branches[revision]
        if _COMMIT.match(revision) and revision in self.commits:
            return revision
        return None


class FakeHub:
    """The server: `start()`, `stop()`, `url`, `repos`, `requests`."""

    def __init__(self):
        self.repos = {}
        self.requests = []
        self.lock = threading.Lock()
        self.server = None
        self.thread = None
        self.url = None

    def start(self):
        hub = self

        class Handler(_HubHandler):
            pass

        Handler.hub = hub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="fake-hub", daemon=True
        )
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
            self.server = None

    def commits(self, repo_id):
        """The commit oids of `repo_id`, oldest first."""
        with self.lock:
            return list(self.repos[repo_id].order)

    def put_files(self, repo_id, files, summary="test commit"):
        """Commits `{path: bytes}` directly (creating the repo); returns oid."""
        with self.lock:
            repo = self.repos.setdefault(repo_id, HubRepo(repo_id))
            merged = dict(repo.commits[repo.branches["main"]])
            merged.update(files)
            return repo.commit("main", merged, summary)


class _HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub = None  # set on the per-server subclass

    def log_message(self, format, *args):
        pass

    # Plumbing -----------------------------------------------------------------

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", headers=None, head=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _error(self, status, code, message, headers=None, head=False):
        headers = {
            "X-Error-Code": code,
            "X-Error-Message": message,
            **(headers or {}),
        }
        self._send(status, {"error": message}, headers, head=head)

    def _route(self, method):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        with self.hub.lock:
            self.hub.requests.append((method, path))
        for pattern, handler, methods in _ROUTES:
            match = re.fullmatch(pattern, path)
            if match and method in methods:
                return getattr(self, handler)(
                    method, query, **match.groupdict()
                )
        self._error(404, "NotFound", f"No route for {method} {path}")

    def do_GET(self):
        self._route("GET")

    def do_HEAD(self):
        self._route("HEAD")

    def do_POST(self):
        self._route("POST")

    def _repo(self, repo_id, head=False):
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            self._error(
                404,
                "RepoNotFound",
                f"Repository {repo_id} not found",
                head=head,
            )
        return repo

    def _revision(self, repo, revision, head=False):
        oid = repo.resolve(revision)
        if oid is None:
            self._error(
                404,
                "RevisionNotFound",
                f"Invalid rev id: {revision}",
                head=head,
            )
        return oid

    # Endpoints ----------------------------------------------------------------

    def create_repo(self, method, query):
        payload = json.loads(self._body() or b"{}")
        name = payload.get("name")
        repo_id = f"{payload.get('organization')}/{name}"
        url = f"{self.hub.url}/{repo_id}"
        with self.hub.lock:
            if repo_id in self.hub.repos:
                return self._send(
                    409,
                    {
                        "error": "You already created this model repo",
                        "url": url,
                    },
                )
            self.hub.repos[repo_id] = HubRepo(repo_id)
        self._send(200, {"url": url, "name": repo_id})

    def validate_yaml(self, method, query):
        self._body()
        self._send(200, {"errors": [], "warnings": []})

    def preupload(self, method, query, repo, revision):
        payload = json.loads(self._body() or b"{}")
        with self.hub.lock:
            if self._repo(repo) is None:
                return
        files = [
            {
                "path": entry["path"],
                "uploadMode": "regular",
                "shouldIgnore": False,
                "oid": None,
            }
            for entry in payload.get("files", [])
        ]
        self._send(200, {"files": files, "commitOid": None})

    def commit(self, method, query, repo, revision):
        lines = [json.loads(line) for line in self._body().splitlines() if line]
        with self.hub.lock:
            hub_repo = self._repo(repo)
            if hub_repo is None:
                return
            if revision not in hub_repo.branches:
                return self._error(
                    404, "RevisionNotFound", f"No branch {revision}"
                )
            files = dict(hub_repo.commits[hub_repo.branches[revision]])
            summary = "commit"
            for line in lines:
                key, value = line["key"], line["value"]
                if key == "header":
                    summary = value.get("summary", summary)
                elif key == "file":
                    files[value["path"]] = base64.b64decode(value["content"])
                elif key == "deletedFile":
                    files.pop(value["path"], None)
                else:
                    return self._error(
                        400, "BadRequest", f"Unsupported operation {key}"
                    )
            oid = hub_repo.commit(revision, files, summary)
        self._send(
            200,
            {
                "commitUrl": f"{self.hub.url}/{repo}/commit/{oid}",
                "commitOid": oid,
                "success": True,
            },
        )

    def model_info(self, method, query, repo, revision=None):
        revision = revision or "main"
        with self.hub.lock:
            hub_repo = self._repo(repo)
            if hub_repo is None:
                return
            oid = self._revision(hub_repo, revision)
            if oid is None:
                return
            files = sorted(hub_repo.commits[oid])
        now = datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z"
        )
        self._send(
            200,
            {
                "id": repo,
                "modelId": repo,
                "sha": oid,
                "private": False,
                "disabled": False,
                "lastModified": now,
                "tags": [],
                "siblings": [{"rfilename": name} for name in files],
            },
        )

    def tree(self, method, query, repo, revision, path=None):
        path = path or ""
        with self.hub.lock:
            hub_repo = self._repo(repo)
            if hub_repo is None:
                return
            oid = self._revision(hub_repo, revision)
            if oid is None:
                return
            files = hub_repo.commits[oid]
            entries = [
                {
                    "type": "file",
                    "oid": blob_oid(data),
                    "size": len(data),
                    "path": name,
                }
                for name, data in sorted(files.items())
                if not path or name.startswith(path.rstrip("/") + "/")
            ]
        self._send(200, entries)

    def resolve(self, method, query, repo, revision, path):
        head = method == "HEAD"
        with self.hub.lock:
            hub_repo = self._repo(repo, head=head)
            if hub_repo is None:
                return
            oid = self._revision(hub_repo, revision, head=head)
            if oid is None:
                return
            data = hub_repo.commits[oid].get(path)
        if data is None:
            return self._error(
                404,
                "EntryNotFound",
                f"{path} does not exist on {revision}",
                headers={"X-Repo-Commit": oid},
                head=head,
            )
        headers = {
            "ETag": f'"{blob_oid(data)}"',
            "X-Repo-Commit": oid,
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        status = 200
        ranged = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if ranged and not head:
            start = int(ranged.group(1))
            headers["Content-Range"] = (
                f"bytes {start}-{len(data) - 1}/{len(data)}"
            )
            data = data[start:]
            status = 206
        if head:
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return
        self._send(status, data, headers)


_ROUTES = [
    (r"/api/repos/create", "create_repo", ("POST",)),
    (r"/api/validate-yaml", "validate_yaml", ("POST",)),
    (
        rf"/api/models/{_REPO}/preupload/(?P<revision>[^/]+)",
        "preupload",
        ("POST",),
    ),
    (rf"/api/models/{_REPO}/commit/(?P<revision>[^/]+)", "commit", ("POST",)),
    (
        rf"/api/models/{_REPO}/tree/(?P<revision>[^/]+)(?:/(?P<path>.+))?",
        "tree",
        ("GET",),
    ),
    (
        rf"/api/models/{_REPO}(?:/revision/(?P<revision>[^/]+))?",
        "model_info",
        ("GET",),
    ),
    (
        rf"/{_REPO}/resolve/(?P<revision>[^/]+)/(?P<path>.+)",
        "resolve",
        ("GET", "HEAD"),
    ),
]
