//! The adapter traits on [`SqlAdapter`].

use time::OffsetDateTime;

use super::rows::{
    account_of, authenticator_of, bind_extra, failed, int, required, token_of, user_at,
};
use super::{Dialect, SqlAdapter};
use crate::adapter::{
    Adapter, AdapterError, AdapterResult, AdapterSession, Authenticator, AuthenticatorAdapter,
    SessionAdapter, VerificationToken, VerificationTokenAdapter, epoch_millis as millis,
    from_epoch_millis as from_millis,
};
use crate::callbacks::BoxFuture;
use crate::types::{Account, User};

impl Adapter for SqlAdapter {
    fn create_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let mut conn = self.pool.acquire().await.map_err(failed("user"))?;
            self.insert_user(&mut conn, &user).await
        })
    }

    fn keeps_user_member(&self, member: &str) -> bool {
        self.schema
            .user_columns
            .iter()
            .any(|column| column.field == member)
    }

    fn get_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let id = self.id(id);
        Box::pin(async move {
            match id {
                Some(id) => self.user_by_id(id).await,
                None => Ok(None),
            }
        })
    }

    fn get_user_by_email(&self, email: &str) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let email = email.to_owned();
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_user_by_email)
                .bind(email)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("user"))?;
            row.map(|row| user_at(&row, 0, &self.schema.user_columns))
                .transpose()
        })
    }

    fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<User>>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_user_by_account)
                .bind(provider)
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("user"))?;
            row.map(|row| user_at(&row, 0, &self.schema.user_columns))
                .transpose()
        })
    }

    fn update_user(&self, user: User) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let id = user
                .id
                .as_deref()
                .ok_or(AdapterError::Invalid("update_user needs an id"))?;
            let key = self.id(id).ok_or(AdapterError::NotFound("user"))?;
            let query = self
                .sql
                .query(&self.sql.update_user)
                .bind(user.name.clone())
                .bind(user.email.clone())
                .bind(user.email_verified.map(millis))
                .bind(user.image.clone());
            let query = bind_extra(query, &user, &self.schema.user_columns)?;
            let done = key
                .bind(query)
                .execute(&self.pool)
                .await
                .map_err(failed("user"))?;
            // MySQL counts changed rows only: an update that changes nothing reports 0.
            if done.rows_affected() == 0 && self.dialect != Dialect::MySql {
                return Err(AdapterError::NotFound("user"));
            }
            let key = self.id(id).ok_or(AdapterError::NotFound("user"))?;
            self.user_by_id(key)
                .await?
                .ok_or(AdapterError::NotFound("user"))
        })
    }

    fn delete_user(&self, id: &str) -> BoxFuture<'_, AdapterResult<()>> {
        let id = id.to_owned();
        Box::pin(async move {
            if self.id(&id).is_none() {
                return Ok(());
            }
            let mut tx = self.pool.begin().await.map_err(failed("user"))?;
            for statement in &self.sql.delete_user {
                let key = self.id(&id).ok_or(AdapterError::NotFound("user"))?;
                key.bind(self.sql.query(statement))
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("user"))?;
            }
            tx.commit().await.map_err(failed("user"))
        })
    }

    fn link_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            let mut conn = self.pool.acquire().await.map_err(failed("account"))?;
            self.insert_account(&mut conn, &account).await
        })
    }

    fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            self.sql
                .query(&self.sql.unlink_account)
                .bind(provider)
                .bind(account_id)
                .execute(&self.pool)
                .await
                .map_err(failed("account"))?;
            Ok(())
        })
    }

    fn get_account(
        &self,
        provider_account_id: &str,
        provider: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Account>>> {
        let (provider, account_id) = (provider.to_owned(), provider_account_id.to_owned());
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_account)
                .bind(provider)
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("account"))?;
            row.map(|row| account_of(&row)).transpose()
        })
    }

    fn get_accounts_by_user(&self, user_id: &str) -> BoxFuture<'_, AdapterResult<Vec<Account>>> {
        let id = self.id(user_id);
        Box::pin(async move {
            let Some(id) = id else {
                return Ok(Vec::new());
            };
            let rows = id
                .bind(self.sql.query(&self.sql.get_accounts_by_user))
                .fetch_all(&self.pool)
                .await
                .map_err(failed("account"))?;
            rows.iter().map(account_of).collect()
        })
    }

    fn update_account(&self, account: Account) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            self.sql
                .query(&self.sql.update_account)
                .bind(account.refresh_token)
                .bind(account.access_token)
                .bind(account.expires_at)
                .bind(account.token_type)
                .bind(account.scope)
                .bind(account.id_token)
                .bind(account.session_state)
                .bind(account.provider)
                .bind(account.provider_account_id)
                .execute(&self.pool)
                .await
                .map_err(failed("account"))?;
            Ok(())
        })
    }

    fn create_user_with_account(
        &self,
        user: User,
        account: Account,
    ) -> BoxFuture<'_, AdapterResult<User>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(failed("user"))?;
            let created = self.insert_user(&mut tx, &user).await?;
            let mut account = account;
            account.user_id = created.id.clone();
            // Dropping the transaction on an error rolls the user back.
            self.insert_account(&mut tx, &account).await?;
            tx.commit().await.map_err(failed("user"))?;
            Ok(created)
        })
    }
}

impl SessionAdapter for SqlAdapter {
    fn create_session(
        &self,
        session: AdapterSession,
    ) -> BoxFuture<'_, AdapterResult<AdapterSession>> {
        Box::pin(async move {
            let id = self
                .id(&session.user_id)
                .ok_or(AdapterError::NotFound("user"))?;
            let query = self
                .sql
                .query(&self.sql.create_session)
                .bind(session.session_token.clone());
            id.bind(query)
                .bind(millis(session.expires))
                .execute(&self.pool)
                .await
                .map_err(failed("session"))?;
            Ok(session)
        })
    }

    fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<(AdapterSession, User)>>> {
        let token = session_token.to_owned();
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_session_and_user)
                .bind(token)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("session"))?;
            let Some(row) = row else {
                return Ok(None);
            };
            let session = AdapterSession {
                session_token: required(&row, 0, "sessionToken")?,
                user_id: required(&row, 1, "session user id")?,
                expires: from_millis(
                    int(&row, 2, "expires")?.ok_or(AdapterError::Corrupt("expires"))?,
                )?,
            };
            Ok(Some((
                session,
                user_at(&row, 3, &self.schema.user_columns)?,
            )))
        })
    }

    fn update_session(
        &self,
        session_token: &str,
        expires: OffsetDateTime,
    ) -> BoxFuture<'_, AdapterResult<Option<AdapterSession>>> {
        let token = session_token.to_owned();
        Box::pin(async move {
            self.sql
                .query(&self.sql.update_session)
                .bind(millis(expires))
                .bind(token.clone())
                .execute(&self.pool)
                .await
                .map_err(failed("session"))?;
            self.get_session(&token).await
        })
    }

    fn delete_session(&self, session_token: &str) -> BoxFuture<'_, AdapterResult<()>> {
        let token = session_token.to_owned();
        Box::pin(async move {
            self.sql
                .query(&self.sql.delete_session)
                .bind(token)
                .execute(&self.pool)
                .await
                .map_err(failed("session"))?;
            Ok(())
        })
    }
}

impl VerificationTokenAdapter for SqlAdapter {
    fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> BoxFuture<'_, AdapterResult<()>> {
        Box::pin(async move {
            self.sql
                .query(&self.sql.create_verification_token)
                .bind(token.identifier)
                .bind(millis(token.expires))
                .bind(token.token)
                .execute(&self.pool)
                .await
                .map_err(failed("verification token"))?;
            Ok(())
        })
    }

    fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<VerificationToken>>> {
        let (identifier, token) = (identifier.to_owned(), token.to_owned());
        Box::pin(async move {
            if self.sql.returning {
                let row = self
                    .sql
                    .query(&self.sql.use_verification_token)
                    .bind(identifier)
                    .bind(token)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(failed("verification token"))?;
                return row.map(|row| token_of(&row)).transpose();
            }
            // Without RETURNING: read, then delete; only the call whose delete removed the row
            // gets the token, so two racing calls cannot both use it.
            let row = self
                .sql
                .query(&self.sql.get_verification_token)
                .bind(identifier.clone())
                .bind(token.clone())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("verification token"))?;
            let Some(row) = row else {
                return Ok(None);
            };
            let found = token_of(&row)?;
            let done = self
                .sql
                .query(&self.sql.use_verification_token)
                .bind(identifier)
                .bind(token)
                .execute(&self.pool)
                .await
                .map_err(failed("verification token"))?;
            Ok((done.rows_affected() == 1).then_some(found))
        })
    }
}

impl AuthenticatorAdapter for SqlAdapter {
    fn create_authenticator(
        &self,
        authenticator: Authenticator,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        Box::pin(async move {
            let id = self
                .id(&authenticator.user_id)
                .ok_or(AdapterError::NotFound("user"))?;
            let query = self
                .sql
                .query(&self.sql.create_authenticator)
                .bind(authenticator.credential_id.clone());
            id.bind(query)
                .bind(authenticator.provider_account_id.clone())
                .bind(authenticator.credential_public_key.clone())
                .bind(i64::from(authenticator.counter))
                .bind(authenticator.credential_device_type.clone())
                .bind(authenticator.credential_backed_up)
                .bind(authenticator.transports.clone())
                .execute(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            Ok(authenticator)
        })
    }

    fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Option<Authenticator>>> {
        let credential_id = credential_id.to_owned();
        Box::pin(async move {
            let row = self
                .sql
                .query(&self.sql.get_authenticator)
                .bind(credential_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            row.map(|row| authenticator_of(&row)).transpose()
        })
    }

    fn list_authenticators_by_user_id(
        &self,
        user_id: &str,
    ) -> BoxFuture<'_, AdapterResult<Vec<Authenticator>>> {
        let id = self.id(user_id);
        Box::pin(async move {
            let Some(id) = id else {
                return Ok(Vec::new());
            };
            let rows = id
                .bind(self.sql.query(&self.sql.list_authenticators))
                .fetch_all(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            rows.iter().map(authenticator_of).collect()
        })
    }

    fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: u32,
    ) -> BoxFuture<'_, AdapterResult<Authenticator>> {
        let credential_id = credential_id.to_owned();
        Box::pin(async move {
            self.sql
                .query(&self.sql.update_authenticator_counter)
                .bind(i64::from(counter))
                .bind(credential_id.clone())
                .execute(&self.pool)
                .await
                .map_err(failed("authenticator"))?;
            self.get_authenticator(&credential_id)
                .await?
                .ok_or(AdapterError::NotFound("authenticator"))
        })
    }
}
