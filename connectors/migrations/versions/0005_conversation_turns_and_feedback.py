"""conversations listed per caller (owner, title), their turns with answers and citations, feedback on answers

Revision ID: 0005
Revises: 0004
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('owner', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f('ix_conversations_owner'), ['owner'], unique=False)
    # the owner of a conversation kept before this revision is in its JSON state
    connection = op.get_bind()
    table = sa.table('conversations', sa.column('id', sa.String), sa.column('state', sa.Text),
                     sa.column('owner', sa.String))
    for conversation_id, state in connection.execute(sa.select(table.c.id, table.c.state)).all():
        owner = (json.loads(state) or {}).get('owner')
        if owner:
            connection.execute(table.update().where(table.c.id == conversation_id).values(owner=owner[:80]))
    op.create_table('conversation_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('locality', sa.String(length=64), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'number', name='uq_conversation_turn')
    )
    op.create_index(op.f('ix_conversation_turns_conversation_id'), 'conversation_turns', ['conversation_id'],
                    unique=False)
    op.create_table('feedback',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('conversation_id', sa.String(length=64), nullable=False),
    sa.Column('turn', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('expected_answer', sa.Text(), nullable=False),
    sa.Column('unanswerable', sa.Boolean(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('route', sa.String(length=32), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('citations', sa.JSON(), nullable=False),
    sa.Column('about_subject', sa.Boolean(), nullable=False),
    sa.Column('corpus_version', sa.String(length=64), nullable=False),
    sa.Column('caller', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'turn', name='uq_feedback_turn')
    )
    op.create_index(op.f('ix_feedback_rating'), 'feedback', ['rating'], unique=False)
    op.create_index(op.f('ix_feedback_created_at'), 'feedback', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_feedback_created_at'), table_name='feedback')
    op.drop_index(op.f('ix_feedback_rating'), table_name='feedback')
    op.drop_table('feedback')
    op.drop_index(op.f('ix_conversation_turns_conversation_id'), table_name='conversation_turns')
    op.drop_table('conversation_turns')
    with op.batch_alter_table('conversations') as batch:
        batch.drop_index(batch.f('ix_conversations_owner'))
        batch.drop_column('created_at')
        batch.drop_column('title')
        batch.drop_column('owner')
