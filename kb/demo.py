"""The demo knowledge base: (title, category, tags, Markdown body). Also the corpus the
search-ranking tests query."""

DEMO_ARTICLES = [
    (
        "Reconnect the VPN client after it drops",
        "vpn",
        ["vpn", "remote"],
        "The **VPN** tunnel drops when the laptop sleeps or changes Wi-Fi.\n\n"
        "1. Quit the VPN client completely.\n"
        "2. Start it again and sign in with your token.\n"
        "3. If the tunnel still disconnects, reinstall the client from the software portal.\n",
    ),
    (
        "Reset a forgotten password",
        "access",
        ["password", "account"],
        "Open the self-service portal, choose *Forgot password* and follow the link sent to "
        "your phone. Locked accounts unlock after 15 minutes, or ask the service desk.\n",
    ),
    (
        "Printer shows paper jam",
        "printer",
        ["printer", "hardware"],
        "Open the front tray, remove the jammed paper gently and close the tray. Check the "
        "rear door for torn pieces. Power-cycle the printer if the error stays.\n",
    ),
    (
        "Outlook does not receive new email",
        "email",
        ["outlook", "mailbox"],
        "Check that Outlook is online (bottom bar). A full mailbox stops new messages: archive "
        "old mail or empty *Deleted Items*. Restart Outlook in safe mode with `outlook /safe`.\n",
    ),
    (
        "Report a phishing message",
        "security",
        ["phishing", "email"],
        "Do not click links or open attachments. Use the **Report phishing** button, then "
        "delete the message. If you entered your password, change it at once.\n",
    ),
    (
        "Request access to a shared drive",
        "access",
        ["permissions", "storage"],
        "Ask your manager to approve the access request in the portal, naming the shared "
        "drive folder. Permissions apply at your next sign-in.\n",
    ),
    (
        "Wi-Fi connected but no internet",
        "network",
        ["wifi", "dns"],
        "Forget the network and join again. Run `ipconfig /flushdns`. If other devices have "
        "no internet either, the network team checks the access point.\n",
    ),
    (
        "Database connection timeouts in the reporting app",
        "database",
        ["database", "timeout"],
        "Timeouts usually mean the connection pool is exhausted. Restart the reporting "
        "service; if the database is slow, open an incident for the database team.\n",
    ),
    (
        "Install approved software from the portal",
        "software",
        ["install", "portal"],
        "Open the software portal, search for the application and click *Install*. "
        "Software that is not listed needs a request with a business reason.\n",
    ),
    (
        "Laptop battery drains quickly",
        "hardware",
        ["laptop", "battery"],
        "Lower the screen brightness, close background apps and check the battery report "
        "(`powercfg /batteryreport`). Batteries under 60% health are replaced.\n",
    ),
    (
        "Free up space on a cloud storage quota",
        "cloud",
        ["storage", "quota"],
        "Your cloud storage quota is full when uploads fail. Empty the recycle bin and move "
        "large files to the team archive.\n",
    ),
]
