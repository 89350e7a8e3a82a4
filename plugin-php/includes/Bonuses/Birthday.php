<?php
/**
 * The shopper's birthday, asked once.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Format;
use Vafa\Reconciler;
use Vafa\Settings;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * A month and day in My Account > Account details (and, when the store asks
 * for it, in the classic checkout), saved at the service with
 * PUT /v1/me/birthday. The service keeps it and refuses a change (409): the
 * shopper then sees it read-only and asks the store to correct it. The
 * checkout never waits for the service: what it collects is saved by an
 * Action Scheduler job. The block checkout has no birthday field (it would
 * need a registered additional checkout field, WooCommerce 8.9+); shoppers
 * there give it in My Account.
 */
final class Birthday {
	const HOOK  = 'vafa_save_birthday';
	const META  = 'vafa_birthday';
	const NONCE = 'vafa_birthday';

	/**
	 * Hooks the account form, its save, the checkout field and the job.
	 */
	public static function register(): void {
		add_action( 'woocommerce_edit_account_form', array( self::class, 'account_field' ) );
		add_action( 'woocommerce_save_account_details_errors', array( self::class, 'validate_account' ), 10, 1 );
		add_action( 'woocommerce_save_account_details', array( self::class, 'save_account' ), 10, 1 );
		add_action( self::HOOK, array( self::class, 'save_in_background' ), 10, 3 );
		if ( 'yes' === get_option( Settings::BIRTHDAY_CHECKOUT, 'no' ) ) {
			add_action( 'woocommerce_after_checkout_billing_form', array( self::class, 'checkout_field' ) );
			add_action( 'woocommerce_after_checkout_validation', array( self::class, 'validate_checkout' ), 10, 2 );
			add_action( 'woocommerce_checkout_order_processed', array( self::class, 'queue_from_checkout' ), 10, 1 );
		}
	}

	/**
	 * Whether a month and day make a birthday (29 February included).
	 *
	 * @param int $month Month 1-12.
	 * @param int $day   Day.
	 */
	public static function valid( int $month, int $day ): bool {
		return $month >= 1 && $month <= 12 && $day >= 1 && checkdate( $month, $day, 2000 );
	}

	/**
	 * A month's name in the locale (Gregorian: a birthday is a Gregorian date).
	 *
	 * @param int    $month  Month 1-12.
	 * @param string $locale Locale.
	 */
	public static function month_name( int $month, string $locale ): string {
		return self::format( $month, 1, $locale, 'LLLL', 'F' );
	}

	/**
	 * A birthday as the locale writes it ("29 February", "۲۹ فوریه").
	 *
	 * @param int    $month  Month.
	 * @param int    $day    Day.
	 * @param string $locale Locale.
	 */
	public static function label( int $month, int $day, string $locale ): string {
		return self::format( $month, $day, $locale, 'd MMMM', 'j F' );
	}

	/**
	 * Formats a day of the leap year 2000 with ICU, or with WordPress's month names.
	 *
	 * @param int    $month   Month.
	 * @param int    $day     Day.
	 * @param string $locale  Locale.
	 * @param string $icu     ICU pattern.
	 * @param string $php     PHP date format (without intl).
	 */
	private static function format( int $month, int $day, string $locale, string $icu, string $php ): string {
		$t = gmmktime( 12, 0, 0, $month, $day, 2000 );
		if ( class_exists( '\IntlDateFormatter' ) && 'en' !== substr( $locale, 0, 2 ) ) {
			$f    = new \IntlDateFormatter( $locale . '@calendar=gregorian', \IntlDateFormatter::NONE, \IntlDateFormatter::NONE, 'UTC', \IntlDateFormatter::GREGORIAN, $icu );
			$text = $f->format( $t );
			if ( is_string( $text ) && '' !== $text ) {
				return $text;
			}
		}
		return Format::digits( gmdate( $php, $t ), $locale );
	}

	/**
	 * The saved birthday from the service, remembered in user meta so the
	 * checkout can tell without asking the service; null when none, false
	 * when the service could not say.
	 *
	 * @param int $user_id WordPress user id.
	 * @return array{month:int,day:int}|null|false
	 */
	public static function fetch( int $user_id ) {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return false;
		}
		try {
			$profile = $client->as_user( 'GET', '/v1/me/profile', (string) $user_id, 'shopper' );
		} catch ( ApiException $e ) {
			return false;
		}
		$b = $profile['birthday'] ?? null;
		if ( is_array( $b ) && self::valid( (int) ( $b['month'] ?? 0 ), (int) ( $b['day'] ?? 0 ) ) ) {
			$saved = array(
				'month' => (int) $b['month'],
				'day'   => (int) $b['day'],
			);
			update_user_meta( $user_id, self::META, $saved );
			return $saved;
		}
		delete_user_meta( $user_id, self::META );
		return null;
	}

	/**
	 * Prints the field in Account details: the form while no birthday is
	 * saved, the saved date read-only afterwards.
	 */
	public static function account_field(): void {
		$user = get_current_user_id();
		if ( ! $user || ! ApiClient::connected() ) {
			return;
		}
		echo Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			'myaccount/birthday.php',
			array(
				'saved'  => self::fetch( $user ),
				'locale' => determine_locale(),
				'nonce'  => self::NONCE,
			)
		);
	}

	/**
	 * The posted month and day: null when none was given, false when only one
	 * or an impossible date was.
	 *
	 * @return array{month:int,day:int}|null|false
	 */
	private static function posted() {
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- the callers checked the form's nonce.
		$month = absint( wp_unslash( $_POST['vafa_birthday_month'] ?? 0 ) );
		$day   = absint( wp_unslash( $_POST['vafa_birthday_day'] ?? 0 ) );
		// phpcs:enable
		if ( 0 === $month && 0 === $day ) {
			return null;
		}
		return self::valid( $month, $day ) ? array(
			'month' => $month,
			'day'   => $day,
		) : false;
	}

	/**
	 * Account details: refuses an impossible date before WooCommerce saves.
	 *
	 * @param \WP_Error $errors WooCommerce's errors.
	 */
	public static function validate_account( $errors ): void {
		if ( ! isset( $_POST[ self::NONCE . '_nonce' ] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Missing -- only looks whether the field is there.
			return;
		}
		if ( ! wp_verify_nonce( sanitize_text_field( wp_unslash( $_POST[ self::NONCE . '_nonce' ] ) ), self::NONCE ) ) {
			$errors->add( 'vafa_birthday', __( 'Your session has expired. Please try again.', 'vafa' ) );
			return;
		}
		if ( false === self::posted() ) {
			$errors->add( 'vafa_birthday', __( 'Choose both the month and the day of your birthday.', 'vafa' ) );
		}
	}

	/**
	 * Account details saved: sends the birthday to the service.
	 *
	 * @param int $user_id WordPress user id.
	 */
	public static function save_account( $user_id ): void {
		if ( ! isset( $_POST[ self::NONCE . '_nonce' ] ) || ! wp_verify_nonce( sanitize_text_field( wp_unslash( $_POST[ self::NONCE . '_nonce' ] ) ), self::NONCE ) ) {
			return;
		}
		$b = self::posted();
		if ( ! is_array( $b ) ) {
			return;
		}
		try {
			self::save( (int) $user_id, $b['month'], $b['day'] );
			wc_add_notice( __( 'Your birthday was saved. Thank you!', 'vafa' ), 'success' );
		} catch ( ApiException $e ) {
			wc_add_notice( self::error( $e ), 'error' );
		}
	}

	/**
	 * Saves a birthday at the service.
	 *
	 * @param int $user_id WordPress user id.
	 * @param int $month   Month.
	 * @param int $day     Day.
	 * @throws ApiException When the service refuses (409 once one is saved) or cannot be reached.
	 */
	public static function save( int $user_id, int $month, int $day ): void {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Rewards are temporarily unavailable.', 'vafa' ), 'unreachable' );
		}
		try {
			$profile = $client->as_user(
				'PUT',
				'/v1/me/birthday',
				(string) $user_id,
				'shopper',
				array(
					'month' => $month,
					'day'   => $day,
				),
				array(),
				10.0
			);
		} catch ( ApiException $e ) {
			if ( 409 === $e->status ) {
				self::fetch( $user_id ); // Remember the one the service keeps.
			}
			throw $e;
		}
		update_user_meta(
			$user_id,
			self::META,
			array(
				'month' => $month,
				'day'   => $day,
			)
		);
		/**
		 * After a shopper's birthday was saved at the service.
		 *
		 * @param int                 $user_id WordPress user id.
		 * @param array<string,mixed> $profile The service's profile.
		 */
		do_action( 'vafa_birthday_saved', $user_id, $profile );
	}

	/**
	 * A failure as the shopper reads it.
	 *
	 * @param ApiException $e The failure.
	 */
	public static function error( ApiException $e ): string {
		if ( 409 === $e->status ) {
			return __( 'Your birthday is already saved. To correct it, ask the store.', 'vafa' );
		}
		if ( 400 === $e->status || 422 === $e->status ) {
			return __( 'Choose both the month and the day of your birthday.', 'vafa' );
		}
		return __( 'Your birthday could not be saved right now. Please try again later.', 'vafa' );
	}

	/**
	 * Classic checkout: the optional field, for signed-in shoppers whose
	 * birthday the plugin does not know (user meta: no call to the service).
	 */
	public static function checkout_field(): void {
		$user = get_current_user_id();
		if ( ! $user || get_user_meta( $user, self::META, true ) ) {
			return;
		}
		echo Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			'myaccount/birthday.php',
			array(
				'saved'    => null,
				'locale'   => determine_locale(),
				'nonce'    => '',
				'checkout' => true,
			)
		);
	}

	/**
	 * Classic checkout: refuses an impossible date (WooCommerce checked the
	 * checkout's nonce).
	 *
	 * @param array<string,mixed> $data   Posted checkout data.
	 * @param \WP_Error           $errors WooCommerce's errors.
	 */
	public static function validate_checkout( $data, $errors ): void {
		if ( false === self::posted() ) {
			$errors->add( 'vafa_birthday', __( 'Choose both the month and the day of your birthday.', 'vafa' ) );
		}
	}

	/**
	 * Classic checkout: queues the save (the order never waits for it).
	 *
	 * @param int $order_id Order id.
	 */
	public static function queue_from_checkout( $order_id ): void {
		$user = get_current_user_id();
		$b    = self::posted();
		if ( ! $user || ! is_array( $b ) || ! function_exists( 'as_enqueue_async_action' ) ) {
			return;
		}
		$args = array( $user, $b['month'], $b['day'] );
		// as_has_scheduled_action compares the arguments; the "unique" flag would not.
		if ( ! as_has_scheduled_action( self::HOOK, $args, Reconciler::GROUP ) ) {
			as_enqueue_async_action( self::HOOK, $args, Reconciler::GROUP );
		}
	}

	/**
	 * The job: saves a birthday given at checkout. A 409 means one is
	 * already saved: nothing to do.
	 *
	 * @param int $user_id WordPress user id.
	 * @param int $month   Month.
	 * @param int $day     Day.
	 * @throws ApiException When the service fails (Action Scheduler records it).
	 */
	public static function save_in_background( $user_id, $month, $day ): void {
		try {
			self::save( (int) $user_id, (int) $month, (int) $day );
		} catch ( ApiException $e ) {
			if ( 409 !== $e->status ) {
				throw $e;
			}
		}
	}
}
