"""Messages to people outside the portal, by email and by text, through one backend chosen by
a setting, each sent once however often the job that sends it runs (`services.send_email`,
`services.send_sms`), with its delivery as GOV.UK Notify reports it."""
