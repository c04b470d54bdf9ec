from exercise.management.commands.createstaff import Command as CreateStaff
from exercise.roles import Role


class Command(CreateStaff):
    help = "Create a facilitator and print an API token as the last word of the last line."
    role = Role.FACILITATOR
