"""Nova v2.1 as ConoHa VPS Ver.3.0 serves it: one module per job.

    versions.py        version documents and microversions
    paths.py           the two roots (/v2.1 and the 2015 /v2/<tenant>), links, paged lists
    flavors.py         ConoHa's plans
    server_views.py    how a server is shown, its states
    servers.py         list, show, delete, addresses
    server_create.py   POST /servers, by ConoHa's rules
    server_actions.py  the action dispatcher; stop, start, reboot
    resize.py          plan change: resize, confirmResize, revertResize
    save_image.py      image save: createImage
    volume_attachments.py  additional volumes: /servers/{id}/os-volume_attachments
    metadata.py        server metadata (the name tag)
    keypairs.py        /os-keypairs
    ssh_keys.py        fingerprints and generated keys
    routes.py          every route, under both roots

Everything follows upstream Nova where ConoHa's reference is silent.
"""
