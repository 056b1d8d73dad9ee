"""Patients online: NHS login and registration keys, booking and cancelling from a phone,
the waiting list that fills freed slots, and who has viewed the patient's record."""
