"""Write the nginx configuration for the local production stack from nginx.conf.template.

    python scripts/nginx_conf.py DIR --port 8001 --app 127.0.0.1:8101 --app 127.0.0.1:8102 \
        --static-root STATIC_ROOT --media-root MEDIA_ROOT

writes DIR/nginx.conf and creates DIR's temp directories; then
`nginx -p DIR -c DIR/nginx.conf -e DIR/error.log` runs it in the foreground as the calling
user. Used by scripts/serve-prod.sh and bench/proxykit.py (the scale-out benchmark and its
test).
"""

import argparse
import os
import pathlib

TEMPLATE = pathlib.Path(__file__).resolve().parent / "nginx.conf.template"
TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def render(directory, port, apps, static_root, media_root):
    """The configuration text: nginx on 127.0.0.1:`port` in front of `apps`
    (["127.0.0.1:8101", ...]), serving `static_root` and `media_root`/images."""
    for value in (str(directory), str(static_root), str(media_root), *apps):
        if any(ch in value for ch in ";{}\"'\n") or " " in value:
            raise ValueError(f"unsupported character in {value!r}")
    # nginx's workers leave a root master for the user "nobody", who could not read the
    # caller's private temp directories; as root (containers) they keep the caller's user.
    user = "user root root;" if os.geteuid() == 0 else ""
    values = {
        "USER": user,
        "DIR": str(pathlib.Path(directory).resolve()),
        "PORT": str(int(port)),
        "UPSTREAMS": "\n".join(f"        server {app};" for app in apps),
        "STATIC_ROOT": str(pathlib.Path(static_root).resolve()),
        "MEDIA_ROOT": str(pathlib.Path(media_root).resolve()),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def write(directory, port, apps, static_root, media_root):
    """Write DIR/nginx.conf and the temp directories; returns the path of the file."""
    directory = pathlib.Path(directory)
    for name in TEMP_DIRS:
        (directory / name).mkdir(parents=True, exist_ok=True)
    path = directory / "nginx.conf"
    path.write_text(render(directory, port, apps, static_root, media_root))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--media-root", required=True)
    args = parser.parse_args(argv)
    print(write(args.directory, args.port, args.app, args.static_root, args.media_root))


if __name__ == "__main__":
    main()
