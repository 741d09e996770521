"""Extensions created once and bound in create_app (as in microblog)."""

from flask_socketio import SocketIO

socketio = SocketIO()
