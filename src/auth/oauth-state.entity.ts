import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A sign-in started with Google and not finished yet: its `state` and PKCE verifier. A row, not a server
 * session, so the callback may land on any instance; consumed by deleting it, so a state works once.
 */
@Entity('oauth_states')
export class OAuthStateEntity {
  @PrimaryColumn('varchar', { length: 64 })
  state: string;

  @Column('varchar', { length: 128 })
  codeVerifier: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Index('idx_oauth_states_expires')
  @Column('timestamptz')
  expiresAt: Date;
}
