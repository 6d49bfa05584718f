/** What a user may do: every signed-in user is a `user`; ADMIN_EMAILS (or the database) make an `admin`. */
export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
