<?php
/**
 * What the plugin's e-mails share.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Format;
use Vafa\Program;

defined( 'ABSPATH' ) || exit;

/**
 * A WooCommerce e-mail sent for one kind of service event: listed in
 * WooCommerce > Settings > Emails (each can be switched off, its subject and
 * heading edited, sent as HTML or plain text), wrapped in the store's e-mail
 * template, and rendered from templates a theme overrides by copying them to
 * yourtheme/woocommerce/emails/ (as WooCommerce's own). The recipient is the
 * WordPress user for the event's customer.id, else customer.email; the
 * e-mail is written in that customer's language, right to left for Persian
 * and Arabic, with the locale's digits.
 */
abstract class Email extends \WC_Email {
	/**
	 * The service event type this e-mail is sent for (points.earned).
	 */
	const EVENT = '';

	/**
	 * The event being sent.
	 *
	 * @var array<string,mixed>
	 */
	protected $event = array();

	/**
	 * The recipient's locale while sending.
	 *
	 * @var string
	 */
	protected $locale = 'en_US';

	/**
	 * The recipient's account, when there is one.
	 *
	 * @var \WP_User|null
	 */
	protected $user = null;

	/**
	 * Sets the id, templates and the event hook, then WooCommerce's settings.
	 */
	public function __construct() {
		$slug                 = str_replace( '_', '-', substr( $this->id, 5 ) );
		$this->customer_email = true;
		$this->template_base  = VAFA_DIR . '/templates/';
		$this->template_html  = 'emails/vafa-' . $slug . '.php';
		$this->template_plain = 'emails/plain/vafa-' . $slug . '.php';
		$this->placeholders   = array_merge(
			array(
				'{points}'        => '',
				'{customer_name}' => '',
			),
			$this->placeholders
		);
		add_action( 'vafa_event_' . str_replace( '.', '_', static::EVENT ), array( $this, 'trigger' ), 20, 1 );
		parent::__construct();
	}

	/**
	 * Whether this event calls for the e-mail (all of its type by default).
	 *
	 * @param array<string,mixed> $event The event.
	 */
	protected function accepts( array $event ): bool {
		return true;
	}

	/**
	 * Extra template variables for this e-mail.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		return array();
	}

	/**
	 * Extra placeholders for subject and heading, filled in the recipient's locale.
	 *
	 * @return array<string,string>
	 */
	protected function more_placeholders(): array {
		return array();
	}

	/**
	 * The event's data object.
	 *
	 * @return array<string,mixed>
	 */
	protected function data(): array {
		return is_array( $this->event['data'] ?? null ) ? $this->event['data'] : array();
	}

	/**
	 * Sends the e-mail for an event.
	 *
	 * @param array<string,mixed> $event The event.
	 * @return bool Whether it was sent.
	 */
	public function trigger( $event ): bool {
		if ( ! is_array( $event ) || ! $this->accepts( $event ) ) {
			return false;
		}
		$customer        = is_array( $event['customer'] ?? null ) ? $event['customer'] : array();
		$user            = ! empty( $customer['id'] ) ? get_user_by( 'id', (int) $customer['id'] ) : false;
		$this->user      = $user ? $user : null;
		$this->event     = $event;
		$this->object    = $this->user;
		$this->recipient = $user ? $user->user_email : sanitize_email( (string) ( $customer['email'] ?? '' ) );
		if ( ! $this->is_enabled() || ! $this->get_recipient() ) {
			return false;
		}
		$this->locale = Locale::for_customer( $this->user, (string) ( $customer['locale'] ?? '' ) );
		Locale::switch_to( $this->locale );
		try {
			$this->placeholders = array_merge(
				$this->placeholders,
				array(
					'{points}'        => Format::points( (int) ( $this->data()['points'] ?? 0 ), $this->locale ),
					'{customer_name}' => $this->customer_name(),
				),
				$this->more_placeholders()
			);
			$sent = (bool) $this->send( $this->get_recipient(), $this->get_subject(), $this->get_content(), $this->get_headers(), $this->get_attachments() );
		} finally {
			Locale::restore();
		}
		/**
		 * After one of the plugin's e-mails was handed to wp_mail.
		 *
		 * @param bool                $sent  What wp_mail answered.
		 * @param string              $id    The e-mail's id (vafa_points_earned).
		 * @param array<string,mixed> $event The event.
		 */
		do_action( 'vafa_email_sent', $sent, $this->id, $event );
		return $sent;
	}

	/**
	 * The customer's first name, else display name, else ''.
	 */
	protected function customer_name(): string {
		if ( ! $this->user ) {
			return '';
		}
		$first = (string) get_user_meta( $this->user->ID, 'first_name', true );
		return '' !== $first ? $first : (string) $this->user->display_name;
	}

	/**
	 * The variables every template gets.
	 *
	 * @param bool $plain Plain text.
	 * @return array<string,mixed>
	 */
	private function args( bool $plain ): array {
		$data    = $this->data();
		$balance = is_array( $data['balance'] ?? null ) ? $data['balance'] : null;
		return array_merge(
			array(
				'email_heading'      => $this->get_heading(),
				'additional_content' => $this->get_additional_content(),
				'sent_to_admin'      => false,
				'plain_text'         => $plain,
				'email'              => $this,
				'event'              => $this->event,
				'data'               => $data,
				'locale'             => $this->locale,
				'dir'                => Format::is_rtl( $this->locale ) ? 'rtl' : 'ltr',
				'customer_name'      => $this->customer_name(),
				'balance'            => $balance,
				'rewards_url'        => function_exists( 'wc_get_account_endpoint_url' ) ? wc_get_account_endpoint_url( \Vafa\Storefront\Account::ENDPOINT ) : home_url( '/' ),
			),
			$this->template_args()
		);
	}

	/**
	 * HTML content.
	 */
	public function get_content_html() {
		return wc_get_template_html( $this->template_html, $this->args( false ), '', $this->template_base );
	}

	/**
	 * Plain text content.
	 */
	public function get_content_plain() {
		return wc_get_template_html( $this->template_plain, $this->args( true ), '', $this->template_base );
	}

	/**
	 * Money from minor units in the store's currency, as the locale writes it.
	 *
	 * @param int $minor Minor units.
	 */
	public function money( int $minor ): string {
		$program = Program::get();
		return Format::money( $minor, (int) ( $program['currency_exponent'] ?? 2 ), (string) ( $program['currency'] ?? get_option( 'woocommerce_currency', 'USD' ) ), $this->locale );
	}

	/**
	 * What a reward code gives, as the customer reads it ("5.00 USD off",
	 * "10% off (up to 5.00 USD)", "Free shipping").
	 *
	 * @param array<string,mixed> $redemption The service's redemption.
	 */
	public function reward_value( array $redemption ): string {
		$value = (int) ( $redemption['value_minor'] ?? 0 );
		switch ( (string) ( $redemption['kind'] ?? '' ) ) {
			case 'fixed_discount':
				/* translators: %s: amount of money */
				return sprintf( __( '%s off', 'vafa' ), $this->money( $value ) );
			case 'percent_discount':
				$percent = Format::integer( (int) ( $redemption['percent'] ?? 0 ), $this->locale );
				return $value > 0
					/* translators: 1: percent, 2: largest discount in money */
					? sprintf( __( '%1$s%% off (up to %2$s)', 'vafa' ), $percent, $this->money( $value ) )
					/* translators: %s: percent */
					: sprintf( __( '%s%% off', 'vafa' ), $percent );
			case 'free_shipping':
				return __( 'Free shipping', 'vafa' );
			case 'free_product':
				return __( 'A free product', 'vafa' );
		}
		return '';
	}

	/**
	 * A date from the service (RFC 3339) as the locale writes it; '' when absent.
	 *
	 * @param mixed $when Date string.
	 */
	public function date( $when ): string {
		$t = is_string( $when ) ? Format::unix( $when ) : 0;
		return $t ? Format::date( $t, $this->locale ) : '';
	}

	/**
	 * Default "Additional content" shown above the footer.
	 */
	public function get_default_additional_content() {
		return '';
	}
}
