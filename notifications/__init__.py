"""Messages to people outside the portal (email today), through one backend chosen by a
setting, each sent once however often the job that sends it runs: `services.send_email`."""
