"""Page routes: kiosk index and zone pages, the manager page, public read APIs."""
