"""The managers' screen: floor map, zone table, charts, staffing panel, alerts, assistance inbox, export."""
